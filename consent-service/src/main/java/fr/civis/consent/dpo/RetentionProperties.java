package fr.civis.consent.dpo;

import java.time.Period;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the journal keeps personal data (docs/adr/0020-dpo-console-pseudonymisation-retention.md); past it, an
 * entry is redacted (its place in the chain stays).
 *
 * @param accessEvents   accesses and denials, from when they happened
 * @param securityEvents Keycloak's security events ({@code security.*}), from when they happened
 * @param endedConsents  grants, refusals, revocations and endings, from the end (revocation or expiry) of their consent
 * @param schedule       when the purge runs (Spring cron, the city's time)
 */
@Validated
@ConfigurationProperties("civis.retention")
public record RetentionProperties(
        @DefaultValue("P1Y") @NotNull Period accessEvents,
        @DefaultValue("P6M") @NotNull Period securityEvents,
        @DefaultValue("P5Y") @NotNull Period endedConsents,
        @DefaultValue("0 30 3 * * *") @NotBlank String schedule) {
}
