package fr.civis.consent.journal;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param maxBatch           most entries written in one transaction (grouped appends; 13 bind values each, PostgreSQL takes 65,535)
 * @param appendTimeout      how long a caller waits for its entry to be committed before answering 503
 * @param checkpointInterval how often the chain's head is signed when it has grown
 */
@Validated
@ConfigurationProperties("civis.journal")
public record JournalProperties(
        @DefaultValue("500") @Min(1) @Max(5000) int maxBatch,
        @DefaultValue("5s") @NotNull Duration appendTimeout,
        @DefaultValue("60s") @NotNull Duration checkpointInterval) {
}
