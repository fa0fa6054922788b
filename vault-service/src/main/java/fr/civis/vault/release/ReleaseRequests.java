package fr.civis.vault.release;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Citizen;
import fr.civis.common.security.ServiceClient;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.consent.ConsentGateway;
import fr.civis.vault.consent.ConsentOutbox;
import fr.civis.vault.consent.Recipient;
import fr.civis.vault.document.DocumentReader;
import fr.civis.vault.document.DocumentType;
import fr.civis.vault.portal.PortalProperties;
import tools.jackson.databind.JsonNode;

/**
 * Requests pushed by services (RFC 9126 pattern) and the citizen's answer to them, plus the citizen's own shares.
 * Everything that decides where a document goes (recipient, purpose, return address) is fixed when the service pushes
 * its request, checked against consent-service's registry, and stored; the browser only carries an opaque handle.
 */
@Service
class ReleaseRequests {

    /** OAuth's {@code state}: visible ASCII, as clients generate it. */
    private static final Pattern STATE = Pattern.compile("[\\x21-\\x7E]{1,512}");
    private static final int MAX_TYPES = 10;

    /** What a service asks for. */
    record Push(List<String> documentTypes, String purpose, String duration, String returnUri, String state) {
    }

    /** What the citizen decided on a request: the consent and where the browser goes back. */
    record Answer(String consentId, String redirect) {
    }

    private final ReleaseRequestStore store;
    private final ConsentGateway consents;
    private final ConsentOutbox outbox;
    private final DocumentReader documents;
    private final ReleaseProperties settings;
    private final PortalProperties portal;
    private final TransactionTemplate transaction;
    private final Clock clock;

    ReleaseRequests(ReleaseRequestStore store, ConsentGateway consents, ConsentOutbox outbox,
            DocumentReader documents, ReleaseProperties settings, PortalProperties portal,
            TransactionTemplate transaction, Clock clock) {
        this.store = store;
        this.consents = consents;
        this.outbox = outbox;
        this.documents = documents;
        this.settings = settings;
        this.portal = portal;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Checks a pushed request against the registry and stores it; answers its handle. */
    String push(ServiceClient client, Push push) {
        if (push.state() == null || !STATE.matcher(push.state()).matches()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-state");
        }
        if (push.purpose() == null || push.purpose().isBlank() || push.duration() == null
                || push.returnUri() == null || push.documentTypes() == null || push.documentTypes().isEmpty()
                || push.documentTypes().size() > MAX_TYPES
                || new HashSet<>(push.documentTypes()).size() != push.documentTypes().size()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        String recipientId = client.clientId();
        Recipient recipient = consents.recipient(recipientId)
                .orElseThrow(() -> refused(null, recipientId, push.purpose(), HttpStatus.FORBIDDEN,
                        "recipient-unknown"));
        Recipient.Purpose purpose = recipient.purpose(push.purpose())
                .orElseThrow(() -> refused(null, recipientId, push.purpose(), HttpStatus.FORBIDDEN,
                        "purpose-not-declared"));
        for (String type : push.documentTypes()) {
            if (DocumentType.fromCode(type).isEmpty()) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-document-type");
            }
            if (!purpose.documentTypes().contains(type)) {
                throw refused(null, recipientId, purpose.code(), HttpStatus.FORBIDDEN, "document-type-not-allowed");
            }
        }
        Instant now = clock.instant();
        requireDuration(null, recipientId, purpose, push.duration(), now);
        if (!registered(push.returnUri(), recipient.returnUris())) {
            throw refused(null, recipientId, purpose.code(), HttpStatus.BAD_REQUEST, "return-uri-not-registered");
        }
        String handle = Handles.newHandle();
        store.insert(Handles.hash(handle), new ReleaseRequestStore.Stored(recipientId, purpose.code(),
                List.copyOf(push.documentTypes()), push.duration(), push.returnUri(), push.state(), now,
                now.plus(settings.requestLifetime()), null));
        return handle;
    }

    /**
     * Exactly one of the client's registered redirect URIs, character for character (no prefix, no trailing slash,
     * no case folding, no extra query), and an absolute http(s) address without fragment.
     */
    static boolean registered(String returnUri, List<String> registeredUris) {
        if (returnUri == null || returnUri.length() > 2048 || !registeredUris.contains(returnUri)) {
            return false;
        }
        try {
            URI uri = new URI(returnUri);
            return uri.isAbsolute() && uri.getRawFragment() == null && uri.getHost() != null
                    && (uri.getScheme().equals("https") || uri.getScheme().equals("http"));
        } catch (URISyntaxException malformed) {
            return false;
        }
    }

    private TemporalAmount requireDuration(String subject, String recipient, Recipient.Purpose purpose,
            String duration, Instant now) {
        TemporalAmount amount = IsoDurations.parse(duration)
                .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, "invalid-duration"));
        TemporalAmount max = IsoDurations.parse(purpose.maxDuration()).orElse(Duration.ZERO);
        if (max.equals(Duration.ZERO) || !IsoDurations.within(now, amount, max)) {
            throw refused(subject, recipient, purpose.code(), HttpStatus.BAD_REQUEST, "duration-too-long");
        }
        return amount;
    }

    /** Refuses, and owes the journal the refusal. */
    private ProblemException refused(String subject, String recipient, String purpose, HttpStatus status,
            String code) {
        outbox.denial(subject, recipient, purpose, code);
        return new ProblemException(status, code);
    }

    /** What the portal shows the citizen before they decide. */
    Map<String, Object> show(Citizen citizen, String handle) {
        requirePortal(citizen);
        ReleaseRequestStore.Stored request = live(handle);
        Recipient recipient = consents.recipient(request.recipient())
                .orElseThrow(() -> new ProblemException(HttpStatus.GONE, "release-request-unknown"));
        Recipient.Purpose purpose = recipient.purpose(request.purpose())
                .orElseThrow(() -> new ProblemException(HttpStatus.GONE, "release-request-unknown"));
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("clientId", recipient.clientId());
        who.put("displayName", recipient.displayName());
        who.put("kind", recipient.kind());
        who.put("dpoContact", recipient.dpoContact());
        view.put("recipient", who);
        view.put("purpose", Map.of("code", purpose.code(), "label", purpose.label(),
                "legalBasis", purpose.legalBasis()));
        view.put("documentTypes", request.documentTypes());
        view.put("duration", request.duration());
        view.put("expiresAt", IsoDurations.end(clock.instant(), IsoDurations.parse(request.duration()).orElseThrow())
                .toString());
        view.put("requestExpiresAt", request.expiresAt().toString());
        return view;
    }

    /** The citizen releases the chosen documents to the request's recipient, once. */
    Answer consent(Citizen citizen, String handle, List<UUID> documentIds) {
        requirePortal(citizen);
        ReleaseRequestStore.Stored request = live(handle);
        Owner owner = new Owner(citizen.subject());
        List<String> types = requireOwnDocuments(owner, documentIds, Set.copyOf(request.documentTypes()));
        byte[] hash = Handles.hash(handle);
        if (!store.claim(hash, citizen.subject(), clock.instant())) {
            throw gone(store.find(hash).orElse(null));
        }
        JsonNode consent;
        try {
            consent = consents.recordConsent(consentBody(citizen, request.recipient(), request.purpose(), types,
                    documentIds, request.duration(), "service-request"));
        } catch (RuntimeException notRecorded) {
            // Nothing was given: the citizen may try again while the request lasts.
            store.release(hash, citizen.subject());
            throw notRecorded;
        }
        String consentId = consentId(consent);
        return new Answer(consentId, redirect(request.returnUri(),
                "consent_id=" + encode(consentId) + "&state=" + encode(request.state())));
    }

    /** The citizen says no: the request is used up, the refusal journaled, the browser sent back with the error. */
    Answer refuse(Citizen citizen, String handle) {
        requirePortal(citizen);
        ReleaseRequestStore.Stored request = live(handle);
        byte[] hash = Handles.hash(handle);
        transaction.executeWithoutResult(status -> {
            if (!store.claim(hash, citizen.subject(), clock.instant())) {
                throw gone(store.find(hash).orElse(null));
            }
            outbox.denial(citizen.subject(), request.recipient(), request.purpose(), "citizen-refused");
        });
        return new Answer(null, redirect(request.returnUri(), "error=access_denied&state=" + encode(request.state())));
    }

    /** A share the citizen makes on their own, to any registered recipient, for one of its declared purposes. */
    JsonNode share(Citizen citizen, String recipientId, String purposeCode, List<UUID> documentIds,
            String duration) {
        requirePortal(citizen);
        if (recipientId == null || purposeCode == null || duration == null) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        Recipient recipient = consents.recipient(recipientId)
                .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, "recipient-unknown"));
        Recipient.Purpose purpose = recipient.purpose(purposeCode)
                .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, "purpose-not-declared"));
        requireDuration(citizen.subject(), recipientId, purpose, duration, clock.instant());
        List<String> types = requireOwnDocuments(new Owner(citizen.subject()), documentIds,
                Set.copyOf(purpose.documentTypes()));
        return consents.recordConsent(consentBody(citizen, recipient.clientId(), purpose.code(), types, documentIds,
                duration, "citizen-initiative"));
    }

    /** The citizen's own documents, each of an allowed type; answers their types, without repeats. */
    private List<String> requireOwnDocuments(Owner owner, List<UUID> documentIds, Set<String> allowedTypes) {
        if (documentIds == null || documentIds.isEmpty() || documentIds.size() > settings.maxDocuments()
                || new HashSet<>(documentIds).size() != documentIds.size()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        List<String> types = new ArrayList<>();
        for (UUID id : documentIds) {
            DocumentReader.Descriptor document = documents.describe(id)
                    .filter(found -> found.owner().equals(owner))
                    // Someone else's document is not found, as in the citizen's own pages.
                    .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "document-not-found"));
            if (!allowedTypes.contains(document.type())) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "document-type-not-requested");
            }
            if (!types.contains(document.type())) {
                types.add(document.type());
            }
        }
        return types;
    }

    private Map<String, Object> consentBody(Citizen citizen, String recipient, String purpose, List<String> types,
            List<UUID> documentIds, String duration, String method) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", citizen.subject());
        body.put("recipient", recipient);
        body.put("purpose", purpose);
        body.put("documentTypes", types);
        body.put("documentIds", documentIds.stream().map(UUID::toString).toList());
        body.put("duration", duration);
        body.put("collectionMethod", method);
        body.put("noticeVersion", settings.noticeVersion());
        return body;
    }

    /**
     * A request answers only to the citizen's portal: a token the citizen gave another application (a municipal app
     * with the vault's audience) must not consent in their name.
     */
    private void requirePortal(Citizen citizen) {
        if (!portal.clientId().equals(citizen.client())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, "release-request-foreign-client");
        }
    }

    private ReleaseRequestStore.Stored live(String handle) {
        if (!Handles.wellFormed(handle)) {
            throw new ProblemException(HttpStatus.NOT_FOUND, "release-request-unknown");
        }
        ReleaseRequestStore.Stored request = store.find(Handles.hash(handle))
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "release-request-unknown"));
        if (request.consumedAt() != null || !request.expiresAt().isAfter(clock.instant())) {
            throw gone(request);
        }
        return request;
    }

    private ProblemException gone(ReleaseRequestStore.Stored request) {
        if (request == null) {
            return new ProblemException(HttpStatus.NOT_FOUND, "release-request-unknown");
        }
        return new ProblemException(HttpStatus.GONE,
                request.consumedAt() != null ? "release-request-used" : "release-request-expired");
    }

    /** The stored, registered address with our parameters after its own. */
    private static String redirect(String returnUri, String parameters) {
        return returnUri + (returnUri.contains("?") ? "&" : "?") + parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The id consent-service gave the consent; an answer without one is no answer. */
    static String consentId(JsonNode consent) {
        JsonNode id = consent.get("id");
        if (id == null || !id.isString() || id.asString().isBlank()) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, ConsentGateway.UNAVAILABLE);
        }
        return id.asString();
    }
}
