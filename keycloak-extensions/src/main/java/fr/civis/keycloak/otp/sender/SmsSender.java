package fr.civis.keycloak.otp.sender;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/** Sends one text message. Implementations never log the text outside development: it carries a code. */
public interface SmsSender extends Provider {

    /**
     * @param realm whose settings apply (a realm may name its own gateway)
     * @param phoneNumber E.164, already verified or being verified
     * @throws SmsException when the message was not accepted for delivery
     */
    void send(RealmModel realm, String phoneNumber, String text) throws SmsException;

    @Override
    default void close() {
    }
}
