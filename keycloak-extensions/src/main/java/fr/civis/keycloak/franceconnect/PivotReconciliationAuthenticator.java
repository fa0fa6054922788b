package fr.civis.keycloak.franceconnect;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.ExistingUserInfo;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import fr.civis.keycloak.franceconnect.PivotMatcher.Pivot;

/**
 * First-broker-login step, off unless a city turns it on: finds the account created at the counter whose certified
 * attributes designate the person FranceConnect vouches for. Exactly one match is proposed for linking, as Keycloak
 * does for a duplicate e-mail: the next steps ask the citizen to confirm and to log in to that account. No match or
 * several matches: nothing is proposed, a new account is created as usual.
 */
final class PivotReconciliationAuthenticator extends AbstractIdpAuthenticator {

    private static final Logger LOG = Logger.getLogger(PivotReconciliationAuthenticator.class);

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        Map<String, String> certified = FranceConnectIdentityProvider.certifiedAttributes(brokerContext);
        if (context.getAuthenticationSession().getAuthNote(EXISTING_USER_INFO) != null
                || certified.get(PivotIdentity.BIRTHDATE) == null) {
            context.attempted();
            return;
        }
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        Pivot pivot = Pivot.of(certified);
        String alias = brokerContext.getIdpConfig().getAlias();
        List<UserModel> matches = session.users()
                .searchForUserByUserAttributeStream(realm, PivotIdentity.BIRTHDATE, pivot.birthdate())
                .filter(user -> PivotMatcher.matches(pivot, Pivot.of(certifiedAttributesOf(user))))
                .filter(user -> session.users().getFederatedIdentity(realm, user, alias) == null)
                .limit(2)
                .toList();
        if (matches.size() == 1) {
            UserModel match = matches.get(0);
            context.getAuthenticationSession().setAuthNote(EXISTING_USER_INFO,
                    new ExistingUserInfo(match.getId(), UserModel.USERNAME, match.getUsername()).serialize());
        } else if (matches.size() > 1) {
            LOG.infof("Several accounts match a pivot identity from %s: none is proposed for linking", alias);
        }
        context.attempted();
    }

    private static Map<String, String> certifiedAttributesOf(UserModel user) {
        Map<String, String> attributes = new java.util.HashMap<>();
        for (String name : List.of(PivotIdentity.GIVEN_NAMES, PivotIdentity.FAMILY_NAME, PivotIdentity.BIRTHDATE,
                PivotIdentity.BIRTHPLACE, PivotIdentity.BIRTHCOUNTRY)) {
            String value = user.getFirstAttribute(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        return attributes;
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                              BrokeredIdentityContext brokerContext) {
        // No form: this step only looks accounts up.
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }
}
