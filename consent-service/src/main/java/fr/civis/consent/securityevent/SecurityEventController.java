package fr.civis.consent.securityevent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.ServiceClient;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.journal.JournalEntry;
import fr.civis.consent.securityevent.SecurityEventRequests.Batch;
import fr.civis.consent.securityevent.SecurityEventRequests.Incoming;
import fr.civis.consent.securityevent.SecurityEventRequests.Journaled;
import fr.civis.consent.security.Callers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keycloak's security events into the journal (docs/journal-events.md): only from Keycloak's events client, with
 * its role. Idempotent on the event id: a batch sent again (the outbox retries until it gets a 2xx) changes nothing
 * and gets the same entries back.
 */
@RestController
@Tag(name = "Événements de sécurité", description = "Connexions et changements de sécurité venus de Keycloak")
@Caller(CallerKind.SERVICE)
class SecurityEventController {

    private final Journal journal;
    private final Callers callers;
    private final JsonMapper json;

    SecurityEventController(Journal journal, Callers callers, JsonMapper json) {
        this.journal = journal;
        this.callers = callers;
        this.json = json;
    }

    @PostMapping("/api/v1/security-events")
    @Operation(summary = "Journalise un lot d'événements de sécurité de Keycloak, chacun une seule fois (Keycloak)")
    Journaled append(ServiceClient client, @AuthenticationPrincipal Jwt token, @Valid @RequestBody Batch batch) {
        callers.requireEventsSource(client, token);
        List<JournalEntry> entries = journal.appendAll(batch.events().stream().map(this::entry).toList());
        return new Journaled(entries.stream().map(JournalEntry::seq).toList());
    }

    private JournalEntry.Event entry(Incoming event) {
        // Canonical JSON (sorted keys): the details are part of the entry's hash. When it happened goes with them;
        // the entry's own time is when the journal received it.
        Map<String, String> details = new TreeMap<>(event.details() == null ? Map.of() : event.details());
        details.put("time", Instant.ofEpochMilli(event.time()).toString());
        return JournalEntry.Event.of(event.kind()).actor(event.userId())
                .security(event.id(), event.clientId(), event.outcome(), json.writeValueAsString(details));
    }
}
