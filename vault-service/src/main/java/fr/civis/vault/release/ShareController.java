package fr.civis.vault.release;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.common.security.EidasLevel;
import fr.civis.common.security.RequiresLevel;
import tools.jackson.databind.JsonNode;

/** A share the citizen makes on their own initiative, to any registered recipient. */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Partages", description = "Partages à l'initiative de l'habitant")
class ShareController {

    private final ReleaseRequests requests;

    ShareController(ReleaseRequests requests) {
        this.requests = requests;
    }

    @PostMapping(path = "/api/v1/me/shares", consumes = MediaType.APPLICATION_JSON_VALUE)
    @RequiresLevel(EidasLevel.EIDAS2)
    @Operation(summary = "Partage des documents avec un service enregistré, pour une de ses finalités déclarées.")
    ResponseEntity<JsonNode> share(Citizen citizen, @RequestBody JsonNode body) {
        ReleaseRequestController.Json.onlyFields(body, "recipient", "purpose", "documentIds", "duration");
        List<UUID> documentIds = ReleaseRequestController.Json.ids(body, "documentIds");
        JsonNode consent = requests.share(citizen, ReleaseRequestController.Json.text(body, "recipient"),
                ReleaseRequestController.Json.text(body, "purpose"), documentIds,
                ReleaseRequestController.Json.text(body, "duration"));
        return ResponseEntity.created(URI.create("/api/v1/me/consents/" + ReleaseRequests.consentId(consent)))
                .body(consent);
    }
}
