package fr.civis.keycloak.events.sink;

import java.util.List;

/**
 * Where the outbox's events go: consent-service's journal ({@link HttpJournalSink}). Delivery is at least once; the
 * journal keeps each event id once, so a batch sent again after a crash or a lost answer is harmless.
 */
public interface JournalSink {

    /**
     * @param events the events as JSON objects (docs/journal-events.md), at most a few hundred
     * @throws DeliveryException when the journal did not confirm that it holds every one of them
     */
    void deliver(List<String> events) throws DeliveryException;

    /** The journal did not take a batch; it is tried again later, whole. */
    final class DeliveryException extends Exception {

        public DeliveryException(String message) {
            super(message);
        }

        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
