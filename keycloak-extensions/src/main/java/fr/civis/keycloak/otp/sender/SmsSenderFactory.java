package fr.civis.keycloak.otp.sender;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

/** Factory of an {@link SmsSender}; which one runs is chosen with {@code --spi-civis-sms-sender--provider}. */
public interface SmsSenderFactory extends ProviderFactory<SmsSender> {

    /** Whether Keycloak will hand out this factory's senders: it is the SPI's chosen (default) provider. */
    default boolean isChosen(KeycloakSessionFactory factory) {
        return factory.getProviderFactory(SmsSender.class) == this;
    }
}
