package fr.civis.keycloak.factors;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.requiredactions.UpdateTotp;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's authenticator-app enrolment ({@code CONFIGURE_TOTP}, replaced under the same id), declared as an action on
 * the {@code otp} credential. Keycloak then asks, before an application-initiated enrolment, for the level at which
 * that credential is used (eidas2) whenever the person already has a factor of that level: a session opened with a
 * password alone cannot slip in another authenticator app; {@link FactorChanges} refuses it too when met during an
 * ordinary login. A first enrolment needs no second factor, there is none yet.
 */
public final class StepUpTotpEnrolment extends UpdateTotp implements CredentialAction {

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return OTPCredentialModel.TYPE;
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (FactorChanges.allowed(context)) {
            super.requiredActionChallenge(context);
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (FactorChanges.allowed(context)) {
            super.processAction(context);
        }
    }
}
