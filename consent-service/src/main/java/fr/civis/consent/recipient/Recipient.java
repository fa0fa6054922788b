package fr.civis.consent.recipient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A service that may receive documents: a client of realm {@code civis} carrying the {@code civis.recipient}
 * attribute (docs/release-api.md), with its registered return URIs.
 */
public record Recipient(String clientId, String displayName, String kind, String dpoContact, boolean pairwise,
        List<Purpose> purposes, List<String> returnUris, @JsonIgnore PairwiseSubject pairwiseSubject) {

    public static final List<String> KINDS = List.of("municipal", "partner");

    public Recipient {
        purposes = List.copyOf(purposes);
        returnUris = List.copyOf(returnUris);
    }

    public Optional<Purpose> purpose(String code) {
        return purposes.stream().filter(purpose -> purpose.code().equals(code)).findFirst();
    }

    /** What this recipient knows the citizen {@code sub} as: pairwise unless the city configured otherwise. */
    public String subjectFor(String sub) {
        return pairwise ? pairwiseSubject.of(sub) : sub;
    }

    /**
     * A purpose the recipient declares.
     *
     * @param maxDuration the longest a consent for it may last, ISO 8601 as the registry writes it ({@code P90D})
     */
    public record Purpose(String code, String label, String legalBasis, List<String> documentTypes,
            String maxDuration) {

        public static final List<String> LEGAL_BASES = List.of("consent", "legal-obligation", "public-task");

        public Purpose {
            documentTypes = List.copyOf(documentTypes);
            Duration.parse(maxDuration); // refuses what is not an ISO 8601 duration
        }

        /** {@link #maxDuration} as a duration. */
        public Duration longest() {
            return Duration.parse(maxDuration);
        }
    }
}
