package fr.civis.keycloak.level;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.authentication.authenticators.util.LoAUtil;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * True when the client did not ask for the configured level (e.g. eidas2) or above and the login has not reached it
 * yet. Lets the staff rule ("always two factors") run only when the eidas2 step will not and no passkey that verified
 * its user already gave two factors: nobody is asked for a second factor twice.
 */
final class LevelNotRequestedCondition implements ConditionalAuthenticator {

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        int level = LevelSetting.of(context.getAuthenticatorConfig()).loa();
        AcrStore levels = new AcrStore(context.getSession(), context.getAuthenticationSession());
        if (levels.getRequestedLevelOfAuthentication(context.getTopLevelFlow()) >= level) {
            return false;
        }
        Integer maxAge = LoAUtil.getLoaMaxAgesConfiguredInRealmFlow(context.getRealm(), context.getTopLevelFlow().getId())
                .get(level);
        return maxAge == null || !levels.isLevelAuthenticatedInPreviousAuth(level, maxAge);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
