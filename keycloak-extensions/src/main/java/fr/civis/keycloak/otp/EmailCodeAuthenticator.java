package fr.civis.keycloak.otp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Code by e-mail, through the realm's SMTP settings, to a verified address only. */
final class EmailCodeAuthenticator extends CodeAuthenticator {

    private static final Logger LOG = Logger.getLogger(EmailCodeAuthenticator.class);

    EmailCodeAuthenticator(KeycloakSession session, SecureRandom random, Clock clock) {
        super(session, random, clock);
    }

    @Override
    String channel() {
        return "email";
    }

    @Override
    Optional<String> destination(UserModel user) {
        return user.getEmail() != null && user.isEmailVerified() ? Optional.of(user.getEmail()) : Optional.empty();
    }

    @Override
    String masked(String email) {
        int at = email.indexOf('@');
        return at <= 0 ? "•••" : email.charAt(0) + "•••" + email.substring(at);
    }

    @Override
    boolean deliver(AuthenticationFlowContext context, String email, String code, CodeSettings settings) {
        UserModel user = context.getUser();
        String realmName = LoginMessages.cityName(context.getRealm());
        try {
            session.getProvider(EmailSenderProvider.class).send(context.getRealm().getSmtpConfig(), email,
                    LoginMessages.format(session, user, "civisOtpEmailSubject", realmName),
                    LoginMessages.format(session, user, "civisOtpEmailBody", code, LoginMessages.minutes(settings),
                            realmName),
                    null);
            return true;
        } catch (EmailException e) {
            LOG.warnf("A one-time code could not be e-mailed in realm %s: %s", context.getRealm().getName(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /** Nothing to set up: the address is verified when the account is created or changed. */
    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }
}
