package fr.civis.vault.release;

import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.consent.ConsentGateway;
import fr.civis.vault.document.DocumentReader;

/**
 * The citizen's consents and the accesses to their documents, relayed to consent-service with the citizen's own
 * token: consent-service answers for that citizen only, never on the vault's word.
 */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Mes partages", description = "Consentements, reçus, révocations et accès, relayés au service des consentements")
class ConsentRelayController {

    /** 50 entry ids and a 2,000-character comment (in UTF-8, up to 4 bytes each) fit well under this. */
    private static final int MAX_RELAYED_BODY = 16 * 1024;

    private final ConsentGateway consents;
    private final DocumentReader documents;

    ConsentRelayController(ConsentGateway consents, DocumentReader documents) {
        this.consents = consents;
        this.documents = documents;
    }

    @GetMapping("/api/v1/recipients")
    @Operation(summary = "Les services qui peuvent recevoir des documents, leurs finalités et leurs types, pour un partage à l'initiative de l'habitant.")
    ResponseEntity<byte[]> recipients(Citizen citizen) {
        return relayed(consents.relay("GET", "/recipients", citizen.bearerToken()));
    }

    @GetMapping("/api/v1/me/consents")
    @Operation(summary = "Mes consentements, du plus récent au plus ancien.")
    ResponseEntity<byte[]> list(Citizen citizen) {
        return relayed(consents.relay("GET", "/me/consents", citizen.bearerToken()));
    }

    @GetMapping("/api/v1/me/consents/{id}")
    @Operation(summary = "Un de mes consentements (404 s'il n'est pas le mien).")
    ResponseEntity<byte[]> one(Citizen citizen, @PathVariable UUID id) {
        return relayed(consents.relay("GET", "/me/consents/" + id, citizen.bearerToken()));
    }

    @GetMapping("/api/v1/me/consents/{id}/receipt")
    @Operation(summary = "Le reçu signé (JWS, application/jose) d'un de mes consentements.")
    ResponseEntity<byte[]> receipt(Citizen citizen, @PathVariable UUID id) {
        return relayed(consents.relay("GET", "/me/consents/" + id + "/receipt", citizen.bearerToken()));
    }

    @PostMapping("/api/v1/me/consents/{id}/revocation")
    @Operation(summary = "Révoque un de mes consentements ; effectif dès la lecture suivante du service.")
    ResponseEntity<byte[]> revoke(Citizen citizen, @PathVariable UUID id) {
        return relayed(consents.relay("POST", "/me/consents/" + id + "/revocation", citizen.bearerToken()));
    }

    @GetMapping("/api/v1/documents/{id}/accesses")
    @Operation(summary = "Qui a consulté ce document : accès, refus, consentements et révocations.")
    ResponseEntity<byte[]> accesses(Citizen citizen, @PathVariable UUID id) {
        Owner owner = new Owner(citizen.subject());
        documents.describe(id).filter(document -> document.owner().equals(owner))
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "document-not-found"));
        return relayed(consents.relay("GET", "/me/accesses?documentId=" + id, citizen.bearerToken()));
    }

    @GetMapping("/api/v1/me/access-notices")
    @Operation(summary = "Dit si je reçois un courriel quand un service consulte un de mes documents.")
    ResponseEntity<byte[]> accessNotices(Citizen citizen) {
        return relayed(consents.relay("GET", "/me/access-notices", citizen.bearerToken()));
    }

    @PutMapping(path = "/api/v1/me/access-notices", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Active ou coupe ces courriels : {\"enabled\": true|false}. Erreur : 400 invalid-request.")
    ResponseEntity<byte[]> setAccessNotices(Citizen citizen, @RequestBody(required = false) byte[] body) {
        return relayed(consents.relay("PUT", "/me/access-notices", citizen.bearerToken(), bodyOf(body)));
    }

    @PostMapping(path = "/api/v1/me/reports", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Signale au DPO des entrées de mon historique, avec un commentaire : {\"entryIds\": [n…], "
            + "\"comment\": \"…\"}. Erreurs : 400 report-invalid, 404 journal-entry-not-found.")
    ResponseEntity<byte[]> report(Citizen citizen, @RequestBody(required = false) byte[] body) {
        return relayed(consents.relay("POST", "/me/reports", citizen.bearerToken(), bodyOf(body)));
    }

    @GetMapping("/api/v1/me/reports")
    @Operation(summary = "Mes signalements au DPO et leur suivi.")
    ResponseEntity<byte[]> reports(Citizen citizen) {
        return relayed(consents.relay("GET", "/me/reports", citizen.bearerToken()));
    }

    /** A body the size of a report at most; consent-service validates what is in it. */
    private static byte[] bodyOf(byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_RELAYED_BODY) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        return body;
    }

    private static ResponseEntity<byte[]> relayed(ConsentGateway.Relayed answer) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status())
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (answer.body().length == 0) {
            return response.build();
        }
        return response.header(HttpHeaders.CONTENT_TYPE, answer.contentType()).body(answer.body());
    }
}
