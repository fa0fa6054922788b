package fr.civis.vault.release;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.ServiceClient;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.consent.ConsentGateway;
import fr.civis.vault.consent.ConsentOutbox;
import fr.civis.vault.crypto.Digests;
import fr.civis.vault.document.DocumentReader;
import tools.jackson.databind.JsonNode;

/**
 * What a recipient reads under a consent. consent-service decides, on every fetch, whether the recipient may read
 * the document now, and journals the access with the digest of what will be sent before the first byte; nothing of
 * its answer is kept, so a revocation holds from the next fetch.
 *
 * <p>The check and the document's read run side by side (docs/adr/0017): the check waits on consent-service and its
 * durable journal entry, the read on the object store, and neither needs the other's result. What was read is
 * handed to the response only once the check has granted the access; a refusal discards it unsent.
 */
@Service
class Releases implements AutoCloseable {

    /** A document as the recipient gets it: the checked plaintext and its RFC 9530 digest. */
    record Delivery(DocumentReader.Content content, String reprDigest) {
    }

    private final ConsentGateway consents;
    private final ConsentOutbox outbox;
    private final DocumentReader documents;
    private final SafeStates safes;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    Releases(ConsentGateway consents, ConsentOutbox outbox, DocumentReader documents, SafeStates safes) {
        this.consents = consents;
        this.outbox = outbox;
        this.documents = documents;
        this.safes = safes;
    }

    /** The consent's description for its recipient: pairwise subject, purpose, expiry, the documents it covers. */
    Map<String, Object> describe(ServiceClient client, UUID consentId) {
        JsonNode consent = consents.consent(consentId)
                .orElseThrow(() -> refused(null, client, null, "consent-not-found"));
        String subject = text(consent, "subject");
        String purpose = text(consent, "purpose");
        if (!client.clientId().equals(text(consent, "recipient"))) {
            throw refused(subject, client, purpose, "consent-recipient-mismatch");
        }
        String status = text(consent, "status");
        if (!"active".equals(status)) {
            throw refused(subject, client, purpose, "revoked".equals(status) ? "consent-revoked" : "consent-expired");
        }
        Owner owner = new Owner(subject);
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode id : consent.path("documentIds")) {
            Optional<DocumentReader.Descriptor> document = parse(id.asString()).flatMap(documents::describe)
                    .filter(found -> found.owner().equals(owner));
            document.ifPresent(found -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", found.id().toString());
                item.put("type", found.type());
                item.put("contentType", found.contentType());
                item.put("size", found.size());
                item.put("digest", Digests.reprDigest(found.sha256()));
                items.add(item);
            });
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("consentId", consentId.toString());
        // Never the citizen's sub: the pairwise identifier consent-service derived for this recipient.
        view.put("subject", text(consent, "pairwiseSubject"));
        view.put("purpose", purpose);
        view.put("expiresAt", text(consent, "expiresAt"));
        view.put("documents", items);
        return view;
    }

    /**
     * Checks and journals through consent-service while the document is opened, and hands it over only once the
     * access is granted. consent-service away: 503 and nothing sent; refused: 403, whatever the read met.
     */
    Delivery fetch(ServiceClient client, UUID consentId, UUID documentId) throws IOException {
        DocumentReader.Descriptor document = documents.describe(documentId)
                .orElseThrow(() -> refused(null, client, null, "consent-document-not-covered"));
        if (safes.state(document.owner()).status() == SafeStates.Status.CLOSING) {
            // Its releases are ending (ConsentOutbox); until consent-service has them all, the vault refuses itself.
            throw refused(document.owner().subject(), client, null, "release-ended");
        }
        String digest = Digests.reprDigest(document.sha256());
        Future<ConsentGateway.Access> check = checks.submit(
                () -> consents.access(consentId, client.clientId(), documentId, digest));
        DocumentReader.Content content;
        try {
            content = documents.content(document.owner(), documentId);
        } catch (IOException | RuntimeException unread) {
            // The check's answer comes first: a caller it refuses learns nothing of the document, not even that it
            // failed to open.
            granted(check, client, document);
            throw unread;
        }
        granted(check, client, document);
        return new Delivery(content, digest);
    }

    private void granted(Future<ConsentGateway.Access> check, ServiceClient client,
            DocumentReader.Descriptor document) {
        ConsentGateway.Access access;
        try {
            access = check.get();
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException refusedOrAway) {
                throw refusedOrAway;
            }
            throw ConsentGateway.unavailable("the check failed", failed);
        } catch (InterruptedException interrupted) {
            check.cancel(true);
            Thread.currentThread().interrupt();
            throw ConsentGateway.unavailable("interrupted", interrupted);
        }
        if (!access.subject().equals(document.owner().subject())) {
            // consent-service covers this id for another citizen: never serve across owners.
            throw refused(access.subject(), client, null, "consent-document-not-covered");
        }
    }

    @Override
    public void close() {
        checks.close();
    }

    private ProblemException refused(String subject, ServiceClient client, String purpose, String code) {
        outbox.denial(subject, client.clientId(), purpose, code);
        return new ProblemException(HttpStatus.FORBIDDEN, code);
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asString();
    }
}
