package fr.civis.keycloak.otp;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * True when the client did not ask for the configured level (e.g. eidas2) or above. Lets the staff rule ("always two
 * factors") run only when the eidas2 step will not: a member of staff who asks for eidas2 is asked one second factor,
 * not two.
 */
final class LevelNotRequestedCondition implements ConditionalAuthenticator {

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        int level = LevelNotRequestedConditionFactory.level(context.getAuthenticatorConfig());
        return new AcrStore(context.getSession(), context.getAuthenticationSession())
                .getRequestedLevelOfAuthentication(context.getTopLevelFlow()) < level;
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
