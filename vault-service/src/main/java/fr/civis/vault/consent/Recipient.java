package fr.civis.vault.consent;

import java.util.List;
import java.util.Optional;

/**
 * A service that may receive documents, as consent-service's registry describes it (docs/release-api.md).
 *
 * @param returnUris the client's registered redirect URIs: the only addresses a citizen's browser is sent back to
 */
public record Recipient(String clientId, String displayName, String kind, String dpoContact, boolean pairwise,
        List<Purpose> purposes, List<String> returnUris) {

    /**
     * @param legalBasis  {@code consent}, {@code legal-obligation} or {@code public-task}
     * @param maxDuration ISO 8601, the longest release the purpose allows
     */
    public record Purpose(String code, String label, String legalBasis, List<String> documentTypes,
            String maxDuration) {
    }

    public Optional<Purpose> purpose(String code) {
        return purposes.stream().filter(purpose -> purpose.code().equals(code)).findFirst();
    }
}
