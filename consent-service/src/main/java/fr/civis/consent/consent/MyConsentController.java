package fr.civis.consent.consent;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.recipient.Recipient;
import fr.civis.consent.recipient.RecipientRegistry;
import fr.civis.consent.security.Callers;

/**
 * A citizen's own consents and the journal about their documents, with their own token (relayed by the vault or
 * not): the subject is always the token's, never one named by a caller.
 */
@RestController
@Tag(name = "Mes partages", description = "Consentements et accès de l'habitant connecté")
@Caller(CallerKind.CITIZEN)
class MyConsentController {

    private static final MediaType JOSE = MediaType.parseMediaType("application/jose");

    private final ConsentService service;
    private final Journal journal;
    private final RecipientRegistry recipients;
    private final Callers callers;

    MyConsentController(ConsentService service, Journal journal, RecipientRegistry recipients, Callers callers) {
        this.service = service;
        this.journal = journal;
        this.recipients = recipients;
        this.callers = callers;
    }

    @GetMapping("/api/v1/me/consents")
    @Operation(summary = "Mes consentements, du plus récent au plus ancien")
    List<Consent> mine(Citizen citizen) {
        return service.mine(callers.requireCitizen(citizen));
    }

    @GetMapping("/api/v1/me/consents/{id}")
    @Operation(summary = "Un de mes consentements (404 s'il n'est pas à moi)")
    Consent one(Citizen citizen, @PathVariable UUID id) {
        return service.mine(callers.requireCitizen(citizen), id);
    }

    @GetMapping(path = "/api/v1/me/consents/{id}/receipt", produces = "application/jose")
    @Operation(summary = "Le reçu signé (JWS compact) d'un de mes consentements")
    ResponseEntity<String> receipt(Citizen citizen, @PathVariable UUID id) {
        Consent consent = service.mine(callers.requireCitizen(citizen), id);
        return ResponseEntity.ok().contentType(JOSE)
                .header("Content-Disposition", "attachment; filename=\"recu-" + consent.id() + ".jws\"")
                .body(consent.receipt());
    }

    @PostMapping("/api/v1/me/consents/{id}/revocation")
    @Operation(summary = "Retire un consentement ; effet dès la prochaine demande du service")
    ResponseEntity<Void> revoke(Citizen citizen, @PathVariable UUID id) {
        service.revoke(callers.requireCitizen(citizen), id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/me/accesses")
    @Operation(summary = "Le journal de mes documents : partages, accès, refus, retraits")
    List<Access> accesses(Citizen citizen, @RequestParam(required = false) UUID documentId) {
        List<Journal.Entry> entries = journal.about(callers.requireCitizen(citizen), documentId, 500);
        Map<String, Recipient> named = named(entries);
        return entries.stream().map(entry -> Access.of(entry, named.get(entry.recipient()))).toList();
    }

    /**
     * The recipients these entries name, for their names and purpose labels; none when the registry cannot be read
     * (the citizen then sees the codes the journal holds rather than nothing).
     */
    private Map<String, Recipient> named(List<Journal.Entry> entries) {
        try {
            Map<String, Recipient> named = new HashMap<>();
            entries.stream().map(Journal.Entry::recipient).distinct()
                    .forEach(clientId -> recipients.find(clientId).ifPresent(found -> named.put(clientId, found)));
            return named;
        } catch (RuntimeException registryAway) {
            return Map.of();
        }
    }

    /** A journal entry about the citizen's documents, with the recipient's name and the purpose's label. */
    record Access(long entryId, Instant recordedAt, String kind, String recipient, String recipientName,
            UUID consentId, UUID documentId, String purpose, String purposeLabel, String reason, String digest) {

        static Access of(Journal.Entry entry, Recipient recipient) {
            return new Access(entry.entryId(), entry.recordedAt(), entry.kind(), entry.recipient(),
                    recipient == null ? null : recipient.displayName(), entry.consentId(), entry.documentId(),
                    entry.purpose(), recipient == null ? null
                            : recipient.purpose(entry.purpose()).map(Recipient.Purpose::label).orElse(null),
                    entry.reason(), entry.digest());
        }
    }
}
