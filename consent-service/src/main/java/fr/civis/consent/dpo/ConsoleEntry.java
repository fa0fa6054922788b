package fr.civis.consent.dpo;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A journal entry as the DPO's console shows it: the citizen under their pseudonym, never their {@code sub}.
 *
 * @param outcome       allowed, denied or ended (see {@link Criteria#OUTCOMES})
 * @param documentTypes the document types of the consent concerned, when there is one
 */
record ConsoleEntry(long entryId, Instant recordedAt, String kind, String outcome, String recipient, String purpose,
        List<String> documentTypes, String citizen, UUID consentId, UUID documentId, String reason) {

    static final List<String> COLUMNS = List.of("entryId", "recordedAt", "kind", "outcome", "recipient", "purpose",
            "documentTypes", "citizen", "consentId", "documentId", "reason");

    /** The values in {@link #COLUMNS}' order, as text (an export's row). */
    List<String> cells() {
        return java.util.Arrays.asList(Long.toString(entryId), recordedAt.toString(), kind, outcome, recipient, purpose,
                documentTypes == null ? null : String.join(" ", documentTypes), citizen,
                consentId == null ? null : consentId.toString(), documentId == null ? null : documentId.toString(), reason);
    }
}
