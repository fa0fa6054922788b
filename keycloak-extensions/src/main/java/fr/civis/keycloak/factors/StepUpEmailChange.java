package fr.civis.keycloak.factors;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.UpdateEmail;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's e-mail change ({@code UPDATE_EMAIL}, replaced under the same id; enabling it also takes the address out of
 * the profile form), only at eidas2: the address receives the password-reset link and the e-mail codes, so a session
 * opened with a password alone, perhaps stolen, must not send them elsewhere. Declared as an action on the
 * {@code otp} credential, so that Keycloak asks eidas2 first from whoever has a second factor; the others are refused
 * until the application asks {@code acr_values=eidas2}, which they reach with the code sent to their current address.
 * Met during an ordinary login below eidas2 (a change started earlier and not yet confirmed), the action is passed
 * over: the confirmation link already sent still works, and the person is not locked out.
 */
public final class StepUpEmailChange extends UpdateEmail implements CredentialAction {

    private static final String REFUSAL = "civisEmailChangeNeedsEidas2";

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return OTPCredentialModel.TYPE;
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (FactorChanges.atEidas2(context)) {
            super.requiredActionChallenge(context);
        } else if (initiatedByApplication(context)) {
            FactorChanges.refuse(context, REFUSAL);
        } else {
            context.success();
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (FactorChanges.atEidas2(context)) {
            super.processAction(context);
        } else {
            FactorChanges.refuse(context, REFUSAL);
        }
    }

    private static boolean initiatedByApplication(RequiredActionContext context) {
        return UserModel.RequiredAction.UPDATE_EMAIL.name()
                .equals(context.getAuthenticationSession().getClientNote(Constants.KC_ACTION));
    }
}
