package fr.civis.consent.security;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call what, by the token's client ({@code azp}).
 *
 * @param vaultClient    the vault's client: the only service that records consents, checks accesses, ends consents
 * @param citizenClients the clients through which citizens reach us with their own token (the portal)
 * @param eventsClient   Keycloak's events client: the only caller that appends security events
 * @param eventsRole     the role of our own client ({@code resource_access.<audience>.roles}) it must hold too
 */
@Validated
@ConfigurationProperties("civis.callers")
public record CallerProperties(
        @DefaultValue("civis-vault") @NotBlank String vaultClient,
        @DefaultValue("civis-portal") @NotEmpty List<String> citizenClients,
        @DefaultValue("civis-events") @NotBlank String eventsClient,
        @DefaultValue("security-events") @NotBlank String eventsRole) {
}
