package fr.civis.keycloak.directgrant;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

/**
 * In the direct-grant flow, after the password: lets through only an account that neither has nor must have a second
 * factor ({@link PasswordOnlyPolicy}). Direct grants can carry a password and at most a TOTP code; they cannot send an
 * SMS or e-mail code, run a passkey ceremony or make a member of staff enrol a factor, so for those accounts the answer
 * is no, and the browser login is the way in.
 */
final class PasswordOnlyAuthenticator implements Authenticator {

    private static final Logger log = Logger.getLogger(PasswordOnlyAuthenticator.class);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (PasswordOnlyPolicy.allows(mustHaveSecondFactor(context.getRealm(), user),
                user.credentialManager().getStoredCredentialsStream().map(CredentialModel::getType))) {
            context.success();
            return;
        }
        // Same error as Keycloak's own direct-grant checks; the event says why, for the journal.
        context.getEvent().user(user).detail("reason", "second_factor_required").error(Errors.ACCESS_DENIED);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, Response.status(Response.Status.BAD_REQUEST)
                .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT,
                        "A second factor is required: sign in through the browser"))
                .type(MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** A realm without the role cannot tell staff apart: everyone is then treated as staff (refused). */
    private static boolean mustHaveSecondFactor(RealmModel realm, UserModel user) {
        RoleModel role = realm.getRole(PasswordOnlyPolicy.SECOND_FACTOR_REQUIRED_ROLE);
        if (role == null) {
            log.warnf("Realm %s has no role %s: direct grants refused to everyone", realm.getName(),
                    PasswordOnlyPolicy.SECOND_FACTOR_REQUIRED_ROLE);
            return true;
        }
        return user.hasRole(role);
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
