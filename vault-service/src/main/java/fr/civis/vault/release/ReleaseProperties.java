package fr.civis.vault.release;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param requestLifetime how long a pushed request waits for the citizen's answer (its handle's {@code expiresIn})
 * @param maxDocuments    how many documents one release may carry
 * @param noticeVersion   the version of the notice the portal shows before a consent, recorded with it
 */
@Validated
@ConfigurationProperties("civis.release")
public record ReleaseProperties(
        @DefaultValue("5m") Duration requestLifetime,
        @DefaultValue("20") int maxDocuments,
        @DefaultValue("portal-1") @NotBlank String noticeVersion) {
}
