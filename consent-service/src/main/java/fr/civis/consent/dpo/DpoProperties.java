package fr.civis.consent.dpo;

import java.net.URI;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The DPO's console (docs/adr/0020-dpo-console-pseudonymisation-retention.md).
 *
 * @param clientId    the console's public client in Keycloak (authorization code with PKCE)
 * @param redirectUri the console's own address, where Keycloak sends the DPO back; one of the client's redirect URIs
 * @param pageSize    the most entries one search answers (the console pages on with {@code before})
 * @param exportLimit the most entries one export holds
 */
@Validated
@ConfigurationProperties("civis.dpo")
public record DpoProperties(
        @DefaultValue("civis-dpo-console") @NotBlank String clientId,
        @DefaultValue("http://localhost:8081/dpo/") @NotNull URI redirectUri,
        @DefaultValue("50") @Min(1) @Max(500) int pageSize,
        @DefaultValue("10000") @Min(1) @Max(100000) int exportLimit) {
}
