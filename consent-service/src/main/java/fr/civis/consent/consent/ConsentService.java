package fr.civis.consent.consent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.consent.ConsentRequests.AccessGranted;
import fr.civis.consent.consent.ConsentRequests.AccessRequest;
import fr.civis.consent.consent.ConsentRequests.NewConsent;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.journal.JournalEntry;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.receipt.Receipts;
import fr.civis.consent.recipient.Recipient;
import fr.civis.consent.recipient.RecipientRegistry;

/**
 * Records, checks and ends consents. Every act is journaled before it takes effect (no journal, no act): a grant
 * before its row, an access before the vault sends a byte, a revocation before the row changes. A refusal is
 * journaled too, then answered 403 with a stable {@code consent-*} code.
 */
@Service
class ConsentService {

    static final String NOTICE_VERSION = "1";

    private final ConsentRepository consents;
    private final RecipientRegistry recipients;
    private final Receipts receipts;
    private final Journal journal;
    private final Clock clock;

    ConsentService(ConsentRepository consents, RecipientRegistry recipients, Receipts receipts, Journal journal,
            Clock clock) {
        this.consents = consents;
        this.recipients = recipients;
        this.receipts = receipts;
        this.journal = journal;
        this.clock = clock;
    }

    Consent record(String caller, NewConsent request) {
        Event denial = Event.of("denial").actor(caller).subject(request.subject()).recipient(request.recipient())
                .purpose(request.purpose());
        Recipient recipient = recipients.find(request.recipient())
                .orElseThrow(() -> refuse(denial, HttpStatus.UNPROCESSABLE_CONTENT, "consent-recipient-unknown"));
        Recipient.Purpose purpose = recipient.purpose(request.purpose())
                .orElseThrow(() -> refuse(denial, HttpStatus.UNPROCESSABLE_CONTENT, "consent-purpose-not-declared"));
        if (!purpose.documentTypes().containsAll(request.documentTypes())) {
            throw refuse(denial, HttpStatus.UNPROCESSABLE_CONTENT, "consent-document-type-not-allowed");
        }
        Duration duration;
        try {
            duration = Duration.parse(request.duration());
        } catch (DateTimeParseException e) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(purpose.longest()) > 0) {
            throw refuse(denial, HttpStatus.UNPROCESSABLE_CONTENT, "consent-duration-too-long");
        }
        Instant grantedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = grantedAt.plus(duration);
        UUID id = UUID.randomUUID();
        List<UUID> documentIds = request.documentIds().stream().distinct().toList();
        List<String> documentTypes = request.documentTypes().stream().distinct().toList();
        String noticeVersion = request.noticeVersion() == null ? NOTICE_VERSION : request.noticeVersion();
        String pairwiseSubject = recipient.subjectFor(request.subject());
        Consent unsigned = new Consent(id, request.subject(), pairwiseSubject, recipient.clientId(),
                recipient.displayName(), purpose.code(), purpose.label(), purpose.legalBasis(), documentTypes,
                documentIds, grantedAt, expiresAt, null, null, "active", request.collectionMethod(), noticeVersion, null);
        String receipt = receipts.sign(ReceiptClaims.of(unsigned, recipient));
        Consent consent = new Consent(id, request.subject(), pairwiseSubject, recipient.clientId(),
                recipient.displayName(), purpose.code(), purpose.label(), purpose.legalBasis(), documentTypes,
                documentIds, grantedAt, expiresAt, null, null, "active", request.collectionMethod(), noticeVersion,
                receipt);
        journal.append(Event.of("grant").actor(caller).subject(consent.subject()).recipient(consent.recipient())
                .consentId(id).purpose(consent.purpose()));
        consents.insert(consent);
        return consent;
    }

    /** The check the vault makes before each byte it releases, and the journal entry that proves the access. */
    AccessGranted access(String caller, AccessRequest request) {
        Event attempt = Event.of("denial").actor(caller).recipient(request.recipient()).consentId(request.consentId())
                .documentId(request.documentId()).digest(request.digest());
        Consent consent = consents.find(request.consentId())
                .orElseThrow(() -> refuse(attempt, HttpStatus.FORBIDDEN, "consent-not-found"));
        Event denial = attempt.subject(consent.subject()).purpose(consent.purpose());
        if (!consent.recipient().equals(request.recipient())) {
            throw refuse(denial, HttpStatus.FORBIDDEN, "consent-recipient-mismatch");
        }
        if (consent.revokedAt() != null) {
            throw refuse(denial, HttpStatus.FORBIDDEN, "consent-revoked");
        }
        if (!clock.instant().isBefore(consent.expiresAt())) {
            throw refuse(denial, HttpStatus.FORBIDDEN, "consent-expired");
        }
        if (!consent.documentIds().contains(request.documentId())) {
            throw refuse(denial, HttpStatus.FORBIDDEN, "consent-document-not-covered");
        }
        JournalEntry entry = journal.append(Event.of("access").actor(caller).subject(consent.subject())
                .recipient(consent.recipient()).consentId(consent.id()).documentId(request.documentId())
                .purpose(consent.purpose()).digest(request.digest()));
        return new AccessGranted(entry.seq(), consent.id(), consent.subject(), consent.pairwiseSubject(),
                request.documentId(), consent.purpose(), consent.expiresAt());
    }

    long deny(String caller, ConsentRequests.Denial denial) {
        String kind = "citizen-refused".equals(denial.reason()) ? "refusal" : "denial";
        return journal.append(Event.of(kind).actor(caller).subject(denial.subject()).recipient(denial.recipient())
                .purpose(denial.purpose()).reason(denial.reason()).consentId(denial.consentId())
                .documentId(denial.documentId())).seq();
    }

    /** Ends every consent in force of the citizen (covering the document, when given): deletion or closure. */
    int end(String caller, ConsentRequests.Ending ending) {
        String reason = ending.documentId() == null ? "safe-closed" : "document-deleted";
        Instant now = clock.instant();
        int ended = 0;
        for (Consent consent : consents.inForce(ending.subject(), ending.documentId(), now)) {
            journal.append(Event.of("ending").actor(caller).subject(consent.subject()).recipient(consent.recipient())
                    .consentId(consent.id()).documentId(ending.documentId()).purpose(consent.purpose()).reason(reason));
            if (consents.end(consent.id(), now, reason)) {
                ended++;
            }
        }
        return ended;
    }

    List<Consent> mine(String subject) {
        return consents.of(subject, 500).stream().map(Consent::withoutReceipt).toList();
    }

    Consent mine(String subject, UUID id) {
        return consents.findOf(subject, id)
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "consent-not-found"));
    }

    /** A consent as the vault reads it to show its recipient what was released (receipt left out). */
    Consent one(UUID id) {
        return consents.find(id).map(Consent::withoutReceipt)
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "consent-not-found"));
    }

    /** The citizen takes back a consent; idempotent. Effective on the next fetch: the check reads the row. */
    void revoke(String subject, UUID id) {
        Consent consent = mine(subject, id);
        if (consent.revokedAt() != null) {
            return;
        }
        journal.append(Event.of("revocation").actor(subject).subject(subject).recipient(consent.recipient())
                .consentId(id).purpose(consent.purpose()).reason("citizen"));
        consents.end(id, clock.instant(), "citizen");
    }

    private ProblemException refuse(Event denial, HttpStatus status, String code) {
        journal.append(denial.reason(code));
        return new ProblemException(status, code);
    }

    /** The receipt's claims: a Kantara consent receipt (v1.1 field names) as a JWT claims set. */
    static final class ReceiptClaims {

        private ReceiptClaims() {
        }

        static Map<String, Object> of(Consent consent, Recipient recipient) {
            Map<String, Object> controller = new LinkedHashMap<>();
            controller.put("piiController", recipient.displayName());
            controller.put("clientId", recipient.clientId());
            if (recipient.dpoContact() != null) {
                controller.put("contact", recipient.dpoContact());
            }
            Map<String, Object> purpose = new LinkedHashMap<>();
            purpose.put("purpose", consent.purposeLabel());
            purpose.put("purposeCode", consent.purpose());
            purpose.put("legalBasis", consent.legalBasis());
            purpose.put("consentType", "EXPLICIT");
            purpose.put("piiCategory", consent.documentTypes());
            purpose.put("primaryPurpose", true);
            purpose.put("termination", consent.expiresAt().toString());
            purpose.put("thirdPartyDisclosure", false);
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("jti", consent.id().toString());
            claims.put("iat", consent.grantedAt().getEpochSecond());
            claims.put("version", "KI-CR-v1.1.0");
            claims.put("jurisdiction", "FR");
            claims.put("consentTimestamp", consent.grantedAt().getEpochSecond());
            claims.put("collectionMethod", consent.collectionMethod());
            claims.put("consentReceiptID", consent.id().toString());
            claims.put("language", "fr");
            claims.put("piiPrincipalId", consent.pairwiseSubject());
            claims.put("piiControllers", List.of(controller));
            claims.put("services", List.of(Map.of("service", recipient.clientId(), "purposes", List.of(purpose))));
            claims.put("documentIds", consent.documentIds().stream().map(UUID::toString).toList());
            claims.put("expiresAt", consent.expiresAt().toString());
            claims.put("noticeVersion", consent.noticeVersion());
            claims.put("sensitive", false);
            claims.put("spiCat", List.of());
            return claims;
        }
    }
}
