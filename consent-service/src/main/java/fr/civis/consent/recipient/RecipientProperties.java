package fr.civis.consent.recipient;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the recipient registry comes from: the realm's clients, read through Keycloak's admin API with this
 * service's own service account (client credentials; realm-management {@code view-clients} only).
 *
 * @param clientId     this service's client
 * @param clientSecret its secret, from the environment
 * @param cacheTtl     how long a read registry is used before reading it again
 * @param staleLimit   how long a registry may still be used when Keycloak does not answer; past it, 503
 */
@Validated
@ConfigurationProperties("civis.recipients")
public record RecipientProperties(
        @DefaultValue("civis-consent") @NotBlank String clientId,
        String clientSecret,
        @DefaultValue("30s") @NotNull Duration cacheTtl,
        @DefaultValue("5m") @NotNull Duration staleLimit) {

    @Override
    public String toString() {
        return "RecipientProperties[clientId=" + clientId + ", cacheTtl=" + cacheTtl + ", staleLimit=" + staleLimit + "]";
    }
}
