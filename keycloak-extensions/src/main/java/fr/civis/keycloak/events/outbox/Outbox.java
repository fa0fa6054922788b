package fr.civis.keycloak.events.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

import fr.civis.keycloak.events.SecurityEvent;

/** The outbox in Keycloak's database, through the session's own entity manager (hence its own transaction). */
public final class Outbox {

    /** Hibernate's "skip locked" lock timeout: rows another node is delivering are not waited for. */
    private static final int SKIP_LOCKED = -2;

    private Outbox() {
    }

    /** Queues the event in the current transaction: it is committed with the login (or change) it records, or not. */
    public static void add(KeycloakSession session, String realmId, SecurityEvent event) {
        String payload;
        try {
            payload = JsonSerialization.writeValueAsString(event.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entityManager(session).persist(new OutboxEntry(event.id(), realmId, event.time(), payload));
    }

    /**
     * Claims up to {@code limit} entries due by {@code now}, oldest first, locking them until the transaction ends;
     * entries another node holds are skipped, so that two nodes never deliver the same entry at once.
     */
    public static List<OutboxEntry> claim(KeycloakSession session, long now, int limit) {
        return entityManager(session)
                .createQuery("SELECT e FROM OutboxEntry e WHERE e.nextAttemptAt <= :now ORDER BY e.createdAt",
                        OutboxEntry.class)
                .setParameter("now", now)
                .setMaxResults(limit)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .getResultList();
    }

    /** Delivered: gone from the outbox when the transaction commits. */
    public static void delivered(KeycloakSession session, List<OutboxEntry> entries) {
        EntityManager em = entityManager(session);
        entries.forEach(em::remove);
    }

    /** Not delivered: tried again after a back-off that doubles with each attempt, up to {@code maxBackoff}. */
    public static void failed(List<OutboxEntry> entries, long now, Duration firstBackoff, Duration maxBackoff) {
        for (OutboxEntry entry : entries) {
            entry.retryAt(now + backoff(entry.getAttempts(), firstBackoff, maxBackoff).toMillis());
        }
    }

    static Duration backoff(int attemptsSoFar, Duration first, Duration max) {
        int doublings = Math.min(attemptsSoFar, 20);
        Duration wait = first.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /** How many events wait, for the delivery's log line. */
    public static long pending(KeycloakSession session) {
        return entityManager(session).createQuery("SELECT count(e) FROM OutboxEntry e", Long.class).getSingleResult();
    }

    private static EntityManager entityManager(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
