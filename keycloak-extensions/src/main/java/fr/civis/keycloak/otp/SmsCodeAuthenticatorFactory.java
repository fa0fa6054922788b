package fr.civis.keycloak.otp;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** {@value #ID}: second factor by a code sent by SMS to the verified mobile number. */
public final class SmsCodeAuthenticatorFactory extends CodeAuthenticatorFactory {

    public static final String ID = "civis-sms-otp";

    @Override
    public String getId() {
        return ID;
    }

    /** The credential type: Keycloak then knows this credential serves eidas2 and guards its removal accordingly. */
    @Override
    public String getReferenceCategory() {
        return SmsCredentialProvider.TYPE;
    }

    @Override
    public String getDisplayType() {
        return "Civis: code by SMS";
    }

    @Override
    public String getHelpText() {
        return "Sends a 6-digit code by SMS to the user's verified mobile number (5-minute life, 5 tries, resend throttled).";
    }

    /** A user without a number is asked to enrol one (required action civis-phone-number) when the step is required. */
    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new SmsCodeAuthenticator(session, random, clock);
    }
}
