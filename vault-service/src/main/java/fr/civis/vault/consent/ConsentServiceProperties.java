package fr.civis.vault.consent;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the vault reaches consent-service.
 *
 * @param url            consent-service's base address (its API is under {@code /api/v1})
 * @param connectTimeout how long to wait for a connection before answering 503
 * @param timeout        how long to wait for an answer before answering 503: a fetch waits this long at most for its
 *                       check
 * @param outboxInterval how often the owed endings and denials are sent again while consent-service is away
 * @param outboxBatch    how many of them one run sends at most
 */
@Validated
@ConfigurationProperties("civis.consent")
public record ConsentServiceProperties(
        @DefaultValue("http://localhost:8081") @NotNull URI url,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("PT10S") Duration outboxInterval,
        @DefaultValue("100") int outboxBatch) {
}
