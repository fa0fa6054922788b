package fr.civis.keycloak.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One security event as it leaves Keycloak for consent-service's journal (docs/journal-events.md): only what
 * {@link SecurityEvents} let through, never a secret.
 *
 * @param id       Keycloak's own event id: the idempotency key end to end (outbox row, journal's unique event id)
 * @param kind     {@code security.login}, {@code security.login-failed}, … (docs/journal-events.md)
 * @param time     when it happened in Keycloak, milliseconds since the epoch (the journal records when it arrived)
 * @param userId   the Keycloak user id of who acted, when known
 * @param clientId the client it happened through, when known
 * @param outcome  {@code success}, or Keycloak's error code ({@code invalid_user_credentials}, …)
 * @param details  allow-listed details only
 */
public record SecurityEvent(String id, String kind, long time, String userId, String clientId, String outcome,
        Map<String, String> details) {

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        details = Map.copyOf(details);
    }

    /** The JSON object consent-service's ingestion endpoint takes (docs/journal-events.md). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("kind", kind);
        json.put("time", time);
        if (userId != null) {
            json.put("userId", userId);
        }
        if (clientId != null) {
            json.put("clientId", clientId);
        }
        json.put("outcome", outcome);
        if (!details.isEmpty()) {
            json.put("details", new java.util.TreeMap<>(details));
        }
        return json;
    }
}
