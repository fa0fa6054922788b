package fr.civis.consent.consent;

import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.ServiceClient;
import fr.civis.consent.consent.ConsentRequests.AccessGranted;
import fr.civis.consent.consent.ConsentRequests.AccessRequest;
import fr.civis.consent.consent.ConsentRequests.Denial;
import fr.civis.consent.consent.ConsentRequests.Ended;
import fr.civis.consent.consent.ConsentRequests.Ending;
import fr.civis.consent.consent.ConsentRequests.Journaled;
import fr.civis.consent.consent.ConsentRequests.NewConsent;
import fr.civis.consent.security.Callers;

/** What the vault asks with its own service token ({@code azp} = the vault's client): nobody else may. */
@RestController
@Tag(name = "Consentements (coffre)", description = "Appels du coffre, avec son jeton de service")
@Caller(CallerKind.SERVICE)
class ServiceConsentController {

    private final ConsentService service;
    private final Callers callers;

    ServiceConsentController(ConsentService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @PostMapping("/api/v1/consents")
    @Operation(summary = "Enregistre le consentement d'un habitant et renvoie son reçu signé (coffre)")
    ResponseEntity<Consent> record(ServiceClient client, @Valid @RequestBody NewConsent request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(service.record(callers.requireVault(client), request));
    }

    @GetMapping("/api/v1/consents/{id}")
    @Operation(summary = "Un consentement, pour montrer à son destinataire ce qui lui a été transmis (coffre)")
    Consent one(ServiceClient client, @PathVariable UUID id) {
        callers.requireVault(client);
        return service.one(id);
    }

    @PostMapping("/api/v1/accesses")
    @Operation(summary = "Vérifie qu'un destinataire peut lire ce document maintenant et journalise l'accès, ou le refus (coffre)")
    ResponseEntity<AccessGranted> access(ServiceClient client, @Valid @RequestBody AccessRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(service.access(callers.requireVault(client), request));
    }

    @PostMapping("/api/v1/denials")
    @Operation(summary = "Journalise un refus décidé par le coffre (coffre)")
    ResponseEntity<Journaled> deny(ServiceClient client, @Valid @RequestBody Denial request) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new Journaled(service.deny(callers.requireVault(client), request)));
    }

    @PostMapping("/api/v1/consents/endings")
    @Operation(summary = "Met fin aux consentements en cours d'un document supprimé ou d'un coffre fermé (coffre)")
    Ended end(ServiceClient client, @Valid @RequestBody Ending request) {
        return new Ended(service.end(callers.requireVault(client), request));
    }
}
