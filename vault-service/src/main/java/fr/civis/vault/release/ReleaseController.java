package fr.civis.vault.release;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.ServiceClient;
import fr.civis.vault.web.WrittenBody;

/** What a recipient service reads under a consent, with its own client-credentials token. */
@RestController
@RequestMapping("/api/v1/releases/{consentId}")
@Caller(CallerKind.SERVICE)
@Tag(name = "Transmissions", description = "Lecture par un service destinataire, sous consentement")
class ReleaseController {

    private final Releases releases;

    ReleaseController(Releases releases) {
        this.releases = releases;
    }

    @GetMapping
    @Operation(summary = "Le consentement vu par son destinataire : sujet pairwise, finalité, échéance, documents.",
            description = "403 consent-* quand le consentement n'est pas le sien, expiré ou révoqué ; 503 "
                    + "consent-service-unavailable quand le service des consentements ne répond pas.")
    Map<String, Object> release(ServiceClient client, @PathVariable UUID consentId) {
        return releases.describe(client, consentId);
    }

    @GetMapping("/documents/{documentId}/content")
    @Operation(summary = "Le document, vérifié, avec Repr-Digest (RFC 9530) ; l'accès est journalisé avant l'envoi.",
            description = "403 quand le consentement ne le couvre pas (ou plus) ; 503 quand le service des "
                    + "consentements ou son journal ne répond pas : rien n'est alors envoyé.")
    ResponseEntity<WrittenBody> content(ServiceClient client, @PathVariable UUID consentId,
            @PathVariable UUID documentId) throws IOException {
        Releases.Delivery delivery = releases.fetch(client, consentId, documentId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(delivery.content().contentType()))
                .contentLength(delivery.content().size())
                .header("Repr-Digest", delivery.reprDigest())
                // The citizen's filename is theirs: the recipient gets the document, not how they named it.
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(delivery.content().body());
    }
}
