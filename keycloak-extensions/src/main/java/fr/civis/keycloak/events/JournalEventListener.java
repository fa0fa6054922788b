package fr.civis.keycloak.events;

import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;

import fr.civis.keycloak.events.outbox.Outbox;

/**
 * Writes each security event into the outbox, in the transaction of the request that raised it: no network call
 * here, so a slow or stopped consent-service never slows or fails a login. {@link OutboxDelivery} sends them on.
 */
final class JournalEventListener implements EventListenerProvider {

    private final KeycloakSession session;
    private final SecurityEvents events;

    JournalEventListener(KeycloakSession session, SecurityEvents events) {
        this.session = session;
        this.events = events;
    }

    @Override
    public void onEvent(Event event) {
        events.of(event).ifPresent(security -> Outbox.add(session, event.getRealmId(), security));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        events.of(event).ifPresent(security -> Outbox.add(session, event.getRealmId(), security));
    }

    @Override
    public void close() {
    }
}
