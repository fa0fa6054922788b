package fr.civis.keycloak.factors;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.RecoveryAuthnCodesAction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's recovery codes ({@code CONFIGURE_RECOVERY_AUTHN_CODES}, replaced under the same id). Whoever generates
 * the codes sees them and each gives eidas2, so a new set takes eidas2 when the person already has a second factor,
 * like {@link StepUpTotpEnrolment}.
 */
public final class StepUpRecoveryCodesEnrolment extends RecoveryAuthnCodesAction implements CredentialAction {

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return RecoveryAuthnCodesCredentialModel.TYPE;
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
