package fr.civis.mairie.release;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The vault's release API as the recipient sees it (docs/release-api.md): what goes out and what comes back. */
public final class ReleaseApi {

    private ReleaseApi() {
    }

    /** {@code POST /api/v1/release-requests}: what the app asks for, pushed before the browser moves. */
    public record ReleaseRequest(List<String> documentTypes, String purpose, String duration, String returnUri,
            String state) {
    }

    /** The answer: an opaque single-use handle for the browser to carry to the portal. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PushedRequest(String requestUri, long expiresIn) {
    }

    /** {@code GET /api/v1/releases/{consentId}}: what a consent lets this app fetch, about whom. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Release(String consentId, String subject, String purpose, Instant expiresAt,
            List<ReleasedDocument> documents) {

        public Release {
            documents = documents == null ? List.of() : List.copyOf(documents);
        }
    }

    /** One released document; {@code digest} is {@code sha-256=:…:} like the content's {@code Repr-Digest}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReleasedDocument(String id, String type, String contentType, Long size, String digest) {
    }

    /** RFC 9457 problem, as the vault answers errors: a stable {@code code} and a French {@code detail}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Problem(String code, String title, String detail, Integer status) {
    }
}
