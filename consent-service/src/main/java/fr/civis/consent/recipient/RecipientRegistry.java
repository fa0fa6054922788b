package fr.civis.consent.recipient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.keycloak.KeycloakAdmin;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry of recipients, read from the realm's clients that carry the {@code civis.recipient} attribute, kept
 * {@code cacheTtl} and read again after. A client whose attribute does not describe a valid recipient is left out
 * (and logged), as is a pairwise recipient without Keycloak's SHA-256 pairwise mapper: we would not know the subject
 * it sees, and must never hand it the citizen's own.
 */
@Component
public class RecipientRegistry {

    public static final String ATTRIBUTE = "civis.recipient";

    private static final Logger log = LoggerFactory.getLogger(RecipientRegistry.class);
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private record Snapshot(Map<String, Recipient> recipients, Instant readAt) {
    }

    private final KeycloakAdmin keycloak;
    private final JsonMapper json;
    private final RecipientProperties settings;
    private final Clock clock;
    private volatile Snapshot snapshot;

    RecipientRegistry(KeycloakAdmin keycloak, JsonMapper json, RecipientProperties settings, Clock clock) {
        this.keycloak = keycloak;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    public List<Recipient> all() {
        return List.copyOf(current().values());
    }

    public Optional<Recipient> find(String clientId) {
        return Optional.ofNullable(clientId).map(current()::get);
    }

    private Map<String, Recipient> current() {
        Snapshot known = snapshot;
        Instant now = clock.instant();
        if (known != null && known.readAt().plus(settings.cacheTtl()).isAfter(now)) {
            return known.recipients();
        }
        synchronized (this) {
            known = snapshot;
            if (known != null && known.readAt().plus(settings.cacheTtl()).isAfter(now)) {
                return known.recipients();
            }
            try {
                Map<String, Recipient> read = read();
                snapshot = new Snapshot(read, clock.instant());
                return read;
            } catch (RestClientException | IllegalStateException | JacksonException e) {
                if (known != null && known.readAt().plus(settings.staleLimit()).isAfter(now)) {
                    log.warn("Recipient registry: Keycloak did not answer ({}); using the registry read at {}",
                            e.getClass().getSimpleName(), known.readAt());
                    return known.recipients();
                }
                log.error("Recipient registry: Keycloak did not answer ({})", e.getClass().getName());
                throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "recipients-unavailable", e);
            }
        }
    }

    private Map<String, Recipient> read() {
        Map<String, Recipient> recipients = new LinkedHashMap<>();
        int page = 100;
        for (int first = 0; ; first += page) {
            JsonNode clients = keycloak.get("/clients?first=" + first + "&max=" + page);
            if (clients == null || !clients.isArray()) {
                throw new IllegalStateException("the admin API did not answer a list of clients");
            }
            for (JsonNode client : clients) {
                JsonNode attribute = client.path("attributes").path(ATTRIBUTE);
                if (attribute.isMissingNode() || attribute.isNull()) {
                    continue;
                }
                String clientId = client.path("clientId").asString();
                try {
                    recipients.put(clientId, parse(client, attribute.asString()));
                } catch (IllegalArgumentException | JacksonException e) {
                    log.warn("Client {} is not a valid recipient and is left out: {}", clientId, e.getMessage());
                }
            }
            if (clients.size() < page) {
                break;
            }
        }
        return Map.copyOf(recipients);
    }

    /** One client's registry entry from its representation and its {@code civis.recipient} JSON. */
    Recipient parse(JsonNode client, String attribute) {
        if (!client.path("enabled").asBoolean(true)) {
            throw new IllegalArgumentException("disabled client");
        }
        JsonNode entry = json.readTree(attribute);
        String displayName = required(entry, "displayName");
        String kind = required(entry, "kind");
        if (!Recipient.KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + Recipient.KINDS);
        }
        boolean pairwise = entry.path("pairwise").asBoolean(true);
        List<Recipient.Purpose> purposes = new ArrayList<>();
        for (JsonNode purpose : entry.path("purposes")) {
            String code = required(purpose, "code");
            if (!CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("purpose code " + code + " is not [a-z0-9-]");
            }
            String legalBasis = required(purpose, "legalBasis");
            if (!Recipient.Purpose.LEGAL_BASES.contains(legalBasis)) {
                throw new IllegalArgumentException("legalBasis must be one of " + Recipient.Purpose.LEGAL_BASES);
            }
            List<String> types = new ArrayList<>();
            purpose.path("documentTypes").forEach(type -> types.add(type.asString()));
            if (types.isEmpty()) {
                throw new IllegalArgumentException("purpose " + code + " allows no document type");
            }
            String maxDuration = purpose.path("maxDuration").asString("P90D");
            try {
                Duration.parse(maxDuration);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("maxDuration of " + code + " is not an ISO 8601 duration in days");
            }
            purposes.add(new Recipient.Purpose(code, required(purpose, "label"), legalBasis, types, maxDuration));
        }
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("no purpose declared");
        }
        List<String> returnUris = new ArrayList<>();
        client.path("redirectUris").forEach(uri -> returnUris.add(uri.asString()));
        returnUris.removeIf(uri -> uri.contains("*"));
        returnUris.sort(Comparator.naturalOrder());
        PairwiseSubject pairwiseSubject = null;
        if (pairwise) {
            pairwiseSubject = pairwiseMapper(client, returnUris).orElseThrow(() -> new IllegalArgumentException(
                    "pairwise recipient without a valid " + PairwiseSubject.MAPPER + " (sector and salt)"));
        }
        return new Recipient(client.path("clientId").asString(), displayName, kind, optional(entry, "dpoContact"),
                pairwise, purposes, returnUris, pairwiseSubject);
    }

    private static Optional<PairwiseSubject> pairwiseMapper(JsonNode client, List<String> redirectUris) {
        for (JsonNode mapper : client.path("protocolMappers")) {
            if (!PairwiseSubject.MAPPER.equals(mapper.path("protocolMapper").asString())) {
                continue;
            }
            JsonNode config = mapper.path("config");
            String salt = config.path("pairwiseSubAlgorithmSalt").asString("");
            List<String> redirects = new ArrayList<>();
            client.path("redirectUris").forEach(uri -> redirects.add(uri.asString()));
            String sector = PairwiseSubject.sectorOf(config.path("sectorIdentifierUri").asString(""),
                    client.path("rootUrl").asString(""), redirects);
            if (salt.isEmpty() || sector == null) {
                return Optional.empty();
            }
            return Optional.of(new PairwiseSubject(sector, salt));
        }
        return Optional.empty();
    }

    private static String required(JsonNode node, String field) {
        String value = optional(node, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }
}
