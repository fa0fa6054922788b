package fr.civis.consent.consent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A consent record with the fields of ISO/IEC TS 27560 and of the Kantara consent receipt: who (subject, and what the
 * recipient knows them as), to whom (the controller), why (purpose, legal basis), what (data categories and the
 * documents themselves), when (granted, expires, revoked), how it was collected and under which notice.
 *
 * @param status  {@code active}, {@code expired} or {@code revoked}, at the time of reading
 * @param receipt the signed receipt (compact JWS); left out of lists
 */
public record Consent(UUID id, String subject, String pairwiseSubject, String recipient, String recipientName,
        String purpose, String purposeLabel, String legalBasis, List<String> documentTypes, List<UUID> documentIds,
        Instant grantedAt, Instant expiresAt, Instant revokedAt, String revocationReason, String status,
        String collectionMethod, String noticeVersion, String receipt) {

    public static final List<String> COLLECTION_METHODS = List.of("service-request", "citizen-initiative");

    public Consent {
        documentTypes = List.copyOf(documentTypes);
        documentIds = List.copyOf(documentIds);
    }

    static String statusAt(Instant expiresAt, Instant revokedAt, Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        return now.isBefore(expiresAt) ? "active" : "expired";
    }

    Consent withoutReceipt() {
        return new Consent(id, subject, pairwiseSubject, recipient, recipientName, purpose, purposeLabel, legalBasis,
                documentTypes, documentIds, grantedAt, expiresAt, revokedAt, revocationReason, status, collectionMethod,
                noticeVersion, null);
    }
}
