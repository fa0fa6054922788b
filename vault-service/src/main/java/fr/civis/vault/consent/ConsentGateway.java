package fr.civis.vault.consent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.security.ServiceAccount;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vault's calls to consent-service (docs/release-api.md). Nothing is cached: every check asks, so a revocation
 * is effective on the next fetch. Whatever goes wrong on the way (no connection, a timeout, an error, an answer that
 * does not parse) is a 503 {@code consent-service-unavailable}: a release is never served unchecked.
 */
@Component
public class ConsentGateway {

    private static final Logger log = LoggerFactory.getLogger(ConsentGateway.class);
    public static final String UNAVAILABLE = "consent-service-unavailable";
    /** The refusals of consent-service the vault passes on as they are; any other is {@code consent-denied}. */
    static final Set<String> CONSENT_CODES = Set.of("consent-not-found", "consent-recipient-mismatch",
            "consent-expired", "consent-revoked", "consent-document-not-covered", "consent-denied");

    /** What consent-service said of one access: allowed and journaled. */
    public record Access(String entryId, String subject, UUID documentId) {
    }

    /** An answer relayed to the citizen as it came: status, type and body. */
    public record Relayed(int status, String contentType, byte[] body) {
    }

    private final HttpClient http;
    private final ConsentServiceProperties settings;
    private final ServiceAccount account;
    private final JsonMapper json;

    ConsentGateway(ConsentServiceProperties settings, ServiceAccount account, JsonMapper json) {
        this.settings = settings;
        this.account = account;
        this.json = json;
        // HTTP/1.1 with kept-alive connections: by default the JDK client offers plain-http servers an h2c upgrade,
        // which consent-service (Tomcat, no h2c) never takes; asking for nothing keeps one simple path per call.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The registry's entry for a client; empty when it is no recipient. */
    public Optional<Recipient> recipient(String clientId) {
        HttpResponse<byte[]> answer = send(request("/recipients/" + segment(clientId)).GET());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(recipientOf(expect(answer, 200)));
    }

    /** Records a consent; answers it as consent-service wrote it, with its id and receipt. */
    public JsonNode recordConsent(Map<String, Object> consent) {
        return expect(send(request("/consents").POST(body(consent))), 201);
    }

    /** A consent as the vault may see it (its recipient, subject, status, documents); empty when unknown. */
    public Optional<JsonNode> consent(UUID id) {
        HttpResponse<byte[]> answer = send(request("/consents/" + id).GET());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expect(answer, 200));
    }

    /**
     * Checks that {@code recipient} may read {@code documentId} under {@code consentId} now, and journals the access
     * with the digest of what will be sent, in one call, before the first byte. Refused: 403 with consent-service's
     * code.
     */
    public Access access(UUID consentId, String recipient, UUID documentId, String digest) {
        Map<String, Object> body = Map.of("consentId", consentId.toString(), "recipient", recipient,
                "documentId", documentId.toString(), "digest", digest);
        HttpResponse<byte[]> answer = send(request("/accesses").POST(body(body)));
        if (answer.statusCode() == 403 || answer.statusCode() == 404) {
            String code = codeOf(answer).filter(CONSENT_CODES::contains)
                    .orElse(answer.statusCode() == 404 ? "consent-not-found" : "consent-denied");
            throw new ProblemException(HttpStatus.FORBIDDEN, code);
        }
        JsonNode access = expect(answer, 201);
        String subject = text(access, "subject");
        if (subject == null) {
            throw unavailable("an access without subject", null);
        }
        return new Access(text(access, "entryId"), subject, documentId);
    }

    /** Sends one owed message of the outbox; false when consent-service did not take it. */
    boolean deliver(String path, String body) {
        try {
            HttpResponse<byte[]> answer = send(request(path)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
            return answer.statusCode() / 100 == 2;
        } catch (ProblemException unavailable) {
            return false;
        }
    }

    /**
     * Relays a citizen's own request with their own token: consent-service checks it and answers for that citizen
     * only. Client errors (404 when not theirs…) come back as they are; server errors are a 503.
     */
    public Relayed relay(String method, String path, String citizenToken) {
        return relay(method, path, citizenToken, null);
    }

    /** The same with the citizen's JSON body, passed on as it came: consent-service validates it. */
    public Relayed relay(String method, String path, String citizenToken, byte[] json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(settings.timeout())
                .header("Authorization", "Bearer " + citizenToken)
                .header("Accept", "application/json, application/jose, application/problem+json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> answer = send(request);
        if (answer.statusCode() >= 500 || answer.statusCode() == 401 || answer.statusCode() < 200) {
            // 401: consent-service did not take a token the vault took; the citizen can do nothing about it.
            throw unavailable("status " + answer.statusCode() + " to a relayed request", null);
        }
        return new Relayed(answer.statusCode(),
                answer.headers().firstValue("Content-Type").orElse("application/octet-stream"), answer.body());
    }

    /** A relayed JSON read (the export's): its body, or a 503 for anything but 200. */
    public JsonNode relayedJson(String path, String citizenToken) {
        Relayed answer = relay("GET", path, citizenToken);
        if (answer.status() != 200) {
            throw unavailable("status " + answer.status() + " to a relayed read", null);
        }
        return parse(answer.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(settings.timeout())
                .header("Authorization", "Bearer " + serviceToken())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json");
    }

    private String serviceToken() {
        try {
            return account.accessToken();
        } catch (RuntimeException keycloakAway) {
            throw unavailable("no service token", keycloakAway);
        }
    }

    private URI uri(String path) {
        String base = settings.url().toString().replaceAll("/+$", "");
        return URI.create(base + "/api/v1" + path);
    }

    private static String segment(String value) {
        return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.BodyPublisher body(Object value) {
        return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(value));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException unreachable) {
            throw unavailable(unreachable.getClass().getSimpleName(), unreachable);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", interrupted);
        }
    }

    private JsonNode expect(HttpResponse<byte[]> answer, int status) {
        if (answer.statusCode() != status) {
            throw unavailable("status " + answer.statusCode() + " where " + status + " was expected", null);
        }
        return parse(answer.body());
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw unavailable("an empty answer", null);
            }
            return node;
        } catch (JacksonException malformed) {
            throw unavailable("an answer that does not parse", malformed);
        }
    }

    private Optional<String> codeOf(HttpResponse<byte[]> answer) {
        try {
            return Optional.ofNullable(text(json.readTree(answer.body()), "code"));
        } catch (JacksonException | IllegalArgumentException notAProblem) {
            return Optional.empty();
        }
    }

    public static ProblemException unavailable(String why, Exception cause) {
        log.warn("consent-service unavailable: {}", why);
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, cause);
    }

    static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value.asString();
    }

    private Recipient recipientOf(JsonNode node) {
        List<Recipient.Purpose> purposes = new ArrayList<>();
        for (JsonNode purpose : iterable(node.get("purposes"))) {
            purposes.add(new Recipient.Purpose(text(purpose, "code"), text(purpose, "label"),
                    text(purpose, "legalBasis"), strings(purpose.get("documentTypes")), text(purpose, "maxDuration")));
        }
        JsonNode pairwise = node.get("pairwise");
        return new Recipient(text(node, "clientId"), text(node, "displayName"), text(node, "kind"),
                text(node, "dpoContact"), pairwise == null || pairwise.asBoolean(), List.copyOf(purposes),
                strings(node.get("returnUris")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : iterable(array)) {
            if (value.isString()) {
                values.add(value.asString());
            }
        }
        return List.copyOf(values);
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array != null && array.isArray() ? array : List.of();
    }
}
