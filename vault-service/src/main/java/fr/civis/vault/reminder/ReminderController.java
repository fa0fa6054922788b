package fr.civis.vault.reminder;

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
import fr.civis.vault.citizen.Owner;
import tools.jackson.databind.JsonNode;

/** The caller's own choice about the e-mails sent before a paper expires. */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Rappels", description = "Les rappels par courriel avant l'échéance d'un document")
class ReminderController {

    private final ReminderSettings settings;

    ReminderController(ReminderSettings settings) {
        this.settings = settings;
    }

    /** @param enabled whether the caller receives the reminders (on by default) */
    record Reminders(boolean enabled) {
    }

    @GetMapping("/api/v1/me/reminders")
    @Operation(summary = "Dit si l'appelant reçoit les rappels avant l'échéance de ses documents.")
    Reminders get(Owner owner) {
        return new Reminders(settings.enabled(owner));
    }

    @PutMapping(path = "/api/v1/me/reminders", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Active ou coupe les rappels : {\"enabled\": true|false}. Erreur : 400 invalid-request.")
    Reminders set(Owner owner, @RequestBody JsonNode body) {
        if (body == null || !body.isObject() || body.size() != 1 || !body.has("enabled")
                || !body.get("enabled").isBoolean()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        settings.set(owner, body.get("enabled").asBoolean());
        return get(owner);
    }
}
