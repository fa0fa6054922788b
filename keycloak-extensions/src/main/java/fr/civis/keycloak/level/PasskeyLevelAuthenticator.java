package fr.civis.keycloak.level;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * Counts a passkey login as two factors: the passkey is something the person has, and the PIN or biometric its
 * authenticator checked is the second factor, as long as the realm's passwordless policy requires that check (Keycloak
 * then refuses an assertion without the user-verified flag). Placed after the login form, it records the configured
 * level (eidas2) as reached, so neither the eidas2 step nor the staff rule asks for another factor within that level's
 * max age. A password login, or a passkey under a policy that does not require verification, stays at eidas1.
 */
final class PasskeyLevelAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (loggedInWithVerifiedPasskey(context)) {
            new AcrStore(context.getSession(), context.getAuthenticationSession())
                    .setLevelAuthenticated(LevelSetting.of(context.getAuthenticatorConfig()).loa());
        }
        context.success();
    }

    private static boolean loggedInWithVerifiedPasskey(AuthenticationFlowContext context) {
        return Constants.WEBAUTHN_POLICY_OPTION_REQUIRED.equals(
                        context.getRealm().getWebAuthnPolicyPasswordless().getUserVerificationRequirement())
                && AuthenticatorUtil.getAuthnCredentials(context.getAuthenticationSession())
                        .contains(WebAuthnCredentialModel.TYPE_PASSWORDLESS);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
