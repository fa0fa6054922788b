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
 */
@Validated
@ConfigurationProperties("civis.callers")
public record CallerProperties(
        @DefaultValue("civis-vault") @NotBlank String vaultClient,
        @DefaultValue("civis-portal") @NotEmpty List<String> citizenClients) {
}
