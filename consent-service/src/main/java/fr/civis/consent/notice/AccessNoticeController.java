package fr.civis.consent.notice;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.consent.security.Callers;
import tools.jackson.databind.JsonNode;

/** The caller's own choice about the e-mail sent when a service accessed one of their documents. */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Mes partages", description = "Consentements et accès de l'habitant connecté")
class AccessNoticeController {

    private final AccessNoticeSettings settings;
    private final Callers callers;

    AccessNoticeController(AccessNoticeSettings settings, Callers callers) {
        this.settings = settings;
        this.callers = callers;
    }

    /** @param enabled whether the caller is e-mailed at each access to their documents (on by default) */
    record AccessNotices(boolean enabled) {
    }

    @GetMapping("/api/v1/me/access-notices")
    @Operation(summary = "Dit si l'appelant reçoit un courriel quand un service consulte un de ses documents.")
    AccessNotices get(Citizen citizen) {
        return new AccessNotices(settings.enabled(callers.requireCitizen(citizen)));
    }

    @PutMapping(path = "/api/v1/me/access-notices", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Active ou coupe ces courriels : {\"enabled\": true|false}. Erreur : 400 invalid-request.")
    AccessNotices set(Citizen citizen, @RequestBody JsonNode body) {
        String subject = callers.requireCitizen(citizen);
        if (body == null || !body.isObject() || body.size() != 1 || !body.has("enabled")
                || !body.get("enabled").isBoolean()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        settings.set(subject, body.get("enabled").asBoolean());
        return new AccessNotices(settings.enabled(subject));
    }
}
