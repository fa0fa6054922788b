package fr.civis.consent.consent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The bodies the vault sends and the answers it gets (docs/release-api.md). */
final class ConsentRequests {

    /** A realm subject, a client id: printable, no spaces, bounded. */
    static final String IDENTIFIER = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}";
    static final String CODE = "[a-z0-9][a-z0-9-]{0,63}";

    private ConsentRequests() {
    }

    /**
     * {@code POST /api/v1/consents}: the citizen's decision, which the vault took with the citizen at eidas2.
     *
     * @param duration ISO 8601 ({@code P30D}), at most the purpose's {@code maxDuration}
     */
    record NewConsent(
            @NotBlank @Pattern(regexp = IDENTIFIER) String subject,
            @NotBlank @Pattern(regexp = IDENTIFIER) String recipient,
            @NotBlank @Pattern(regexp = CODE) String purpose,
            @NotEmpty @Size(max = 20) List<@NotBlank @Pattern(regexp = CODE) String> documentTypes,
            @NotEmpty @Size(max = 50) List<@NotNull UUID> documentIds,
            @NotBlank @Size(max = 32) String duration,
            @NotBlank @Pattern(regexp = "service-request|citizen-initiative") String collectionMethod,
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+") String noticeVersion) {
    }

    /** {@code POST /api/v1/accesses}: may {@code recipient} read {@code documentId} under {@code consentId} now? */
    record AccessRequest(
            @NotNull UUID consentId,
            @NotBlank @Pattern(regexp = IDENTIFIER) String recipient,
            @NotNull UUID documentId,
            @NotBlank @Pattern(regexp = "sha-256=:[A-Za-z0-9+/]{43}=:") String digest) {
    }

    /** The access is journaled: the vault may send the bytes. */
    /** {@code subject}: the citizen, for the vault's own owner check; {@code pairwiseSubject}: what the recipient sees. */
    record AccessGranted(long entryId, UUID consentId, String subject, String pairwiseSubject, UUID documentId,
            String purpose, Instant expiresAt) {
    }

    /** {@code POST /api/v1/denials}: a refusal the vault decided itself. */
    record Denial(
            @Pattern(regexp = IDENTIFIER) String subject,
            @NotBlank @Pattern(regexp = IDENTIFIER) String recipient,
            @Pattern(regexp = CODE) String purpose,
            @NotBlank @Pattern(regexp = CODE) String reason,
            UUID consentId,
            UUID documentId) {
    }

    record Journaled(long entryId) {
    }

    /** {@code POST /api/v1/consents/endings}: a document deleted (with its id) or a safe closed (without). */
    record Ending(@NotBlank @Pattern(regexp = IDENTIFIER) String subject, UUID documentId) {
    }

    record Ended(int ended) {
    }
}
