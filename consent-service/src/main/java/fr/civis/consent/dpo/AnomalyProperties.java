package fr.civis.consent.dpo;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the console calls abnormal (docs/adr/0020-dpo-console-pseudonymisation-retention.md).
 *
 * @param window          the span over which events are counted together
 * @param manyCitizens    a service reading the documents of at least this many different citizens within one window
 * @param manyDenials     at least this many denials to one service within one window
 * @param lateFetch       an access this close to its consent's expiry
 * @param failedLogins    at least this many failed logins and lockouts, all accounts together, within one window
 */
@Validated
@ConfigurationProperties("civis.anomalies")
public record AnomalyProperties(
        @DefaultValue("PT10M") @NotNull Duration window,
        @DefaultValue("20") @Min(2) int manyCitizens,
        @DefaultValue("5") @Min(2) int manyDenials,
        @DefaultValue("PT1H") @NotNull Duration lateFetch,
        @DefaultValue("50") @Min(2) int failedLogins) {
}
