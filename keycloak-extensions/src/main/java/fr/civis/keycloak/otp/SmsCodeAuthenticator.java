package fr.civis.keycloak.otp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import fr.civis.keycloak.otp.sender.SmsException;
import fr.civis.keycloak.otp.sender.SmsSender;

/** Code by SMS to the person's verified mobile ({@link SmsCredentialProvider}), through the {@link SmsSender} SPI. */
final class SmsCodeAuthenticator extends CodeAuthenticator implements CredentialValidator<SmsCredentialProvider> {

    private static final Logger LOG = Logger.getLogger(SmsCodeAuthenticator.class);

    SmsCodeAuthenticator(KeycloakSession session, SecureRandom random, Clock clock) {
        super(session, random, clock);
    }

    @Override
    String channel() {
        return "sms";
    }

    @Override
    Optional<String> destination(UserModel user) {
        return getCredentialProvider(session).phoneNumber(user);
    }

    @Override
    String masked(String phoneNumber) {
        return PhoneNumbers.masked(phoneNumber);
    }

    @Override
    boolean deliver(AuthenticationFlowContext context, String phoneNumber, String code, CodeSettings settings) {
        return send(session, context.getRealm(), context.getUser(), phoneNumber, code, settings);
    }

    /** Shared with the phone enrolment, which sends its verification code the same way. */
    static boolean send(KeycloakSession session, RealmModel realm, UserModel user, String phoneNumber, String code,
            CodeSettings settings) {
        String realmName = LoginMessages.cityName(realm);
        try {
            session.getProvider(SmsSender.class).send(realm, phoneNumber,
                    LoginMessages.format(session, user, "civisOtpSmsText", code, LoginMessages.minutes(settings),
                            realmName));
            return true;
        } catch (SmsException e) {
            LOG.warnf("A one-time code could not be sent by SMS in realm %s: %s", realm.getName(), e.getMessage());
            return false;
        }
    }

    @Override
    public SmsCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (SmsCredentialProvider) session.getProvider(CredentialProvider.class, SmsCredentialProvider.TYPE);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        user.addRequiredAction(PhoneNumberActionFactory.ID);
    }
}
