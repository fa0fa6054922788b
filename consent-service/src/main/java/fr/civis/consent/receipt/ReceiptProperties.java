package fr.civis.consent.receipt;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Receipt signing (docs/adr/0014-consent-receipts-and-journal.md).
 *
 * @param wrappingKey      secret from the environment (at least 32 characters of randomness) from which the key that
 *                         wraps the private signing keys in the database is derived; never in a committed file
 * @param issuer           the {@code iss} of receipts
 * @param publicationDelay how long a new key is published in the JWKS before it signs anything, so that every
 *                         instance's and every verifier's cached JWKS has it by then
 * @param cacheTtl         how long an instance keeps the key list before reading it again
 */
@Validated
@ConfigurationProperties("civis.receipts")
public record ReceiptProperties(
        @NotBlank @Size(min = 32) String wrappingKey,
        @DefaultValue("urn:civis:consent-service") @NotBlank String issuer,
        @DefaultValue("60s") @NotNull Duration publicationDelay,
        @DefaultValue("10s") @NotNull Duration cacheTtl) {

    @Override
    public String toString() {
        return "ReceiptProperties[issuer=" + issuer + ", publicationDelay=" + publicationDelay + ", cacheTtl="
                + cacheTtl + "]";
    }
}
