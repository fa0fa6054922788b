package fr.civis.keycloak.otp;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** {@value #ID}: second factor by a code e-mailed to the verified address. */
public final class EmailCodeAuthenticatorFactory extends CodeAuthenticatorFactory {

    public static final String ID = "civis-email-otp";

    @Override
    public String getId() {
        return ID;
    }

    /** No credential behind it: the verified address is the factor. */
    @Override
    public String getReferenceCategory() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Civis: code by e-mail";
    }

    @Override
    public String getHelpText() {
        return "Sends a 6-digit code to the user's verified e-mail address (5-minute life, 5 tries, resend throttled).";
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new EmailCodeAuthenticator(session, random, clock);
    }
}
