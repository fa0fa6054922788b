package fr.civis.vault.consent;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.vault.citizen.Owner;
import fr.civis.vault.document.DocumentDeleted;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the vault owes consent-service's journal: the end of the releases of a deleted document or a closed safe, and
 * the refusals the vault decided itself. Each is written in the transaction of the act that causes it (the deletion
 * and its ending are committed together or not at all), then sent by {@link #drain}, again and again until
 * consent-service takes it: a deletion made while consent-service is down still ends its releases.
 */
@Component
public class ConsentOutbox {

    private static final Logger log = LoggerFactory.getLogger(ConsentOutbox.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ConsentGateway gateway;
    private final ConsentServiceProperties settings;
    private final TransactionTemplate transaction;
    private final Clock clock;

    ConsentOutbox(JdbcClient jdbc, JsonMapper json, ConsentGateway gateway, ConsentServiceProperties settings,
            TransactionTemplate transaction, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.gateway = gateway;
        this.settings = settings;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Every active consent of the citizen covering the document ({@code null}: all of them) is to end. */
    public void ending(Owner owner, UUID documentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", owner.subject());
        if (documentId != null) {
            body.put("documentId", documentId.toString());
        }
        insert("ending", body);
    }

    /**
     * A refusal decided by the vault (unknown recipient, undeclared purpose, the citizen said no…), for the journal.
     *
     * @param subject null when no citizen is known yet (a pushed request)
     * @param purpose null when none was given
     */
    public void denial(String subject, String recipient, String purpose, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (subject != null) {
            body.put("subject", subject);
        }
        body.put("recipient", recipient);
        if (purpose != null) {
            body.put("purpose", purpose);
        }
        body.put("reason", reason);
        insert("denial", body);
    }

    /** A document deleted by its owner: in the deletion's transaction, its releases are owed an ending. */
    @EventListener
    void documentDeleted(DocumentDeleted deleted) {
        ending(deleted.owner(), deleted.documentId());
    }

    private void insert(String kind, Map<String, Object> body) {
        jdbc.sql("INSERT INTO consent_outbox (kind, body) VALUES (:kind, :body)")
                .param("kind", kind).param("body", json.writeValueAsString(body)).update();
    }

    private record Owed(long id, String kind, String body, int attempts) {
    }

    /**
     * Sends what is owed, oldest first; stops at the first failure (consent-service is away: the rest would fail
     * too) and tries again later, waiting longer after each failure. Rows are locked while sent, so instances of the
     * vault never send the same one at once.
     */
    @Scheduled(initialDelayString = "${civis.consent.outbox-interval:PT10S}",
            fixedDelayString = "${civis.consent.outbox-interval:PT10S}")
    public void drain() {
        try {
            transaction.executeWithoutResult(status -> {
                List<Owed> owed = jdbc.sql("""
                        SELECT id, kind, body, attempts FROM consent_outbox
                        WHERE sent_at IS NULL AND next_attempt_at <= :now
                        ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED
                        """)
                        .param("now", Timestamp.from(clock.instant())).param("batch", settings.outboxBatch())
                        .query((rs, n) -> new Owed(rs.getLong("id"), rs.getString("kind"), rs.getString("body"),
                                rs.getInt("attempts")))
                        .list();
                for (Owed message : owed) {
                    String path = message.kind().equals("ending") ? "/consents/endings" : "/denials";
                    if (gateway.deliver(path, message.body())) {
                        jdbc.sql("UPDATE consent_outbox SET sent_at = :now, attempts = attempts + 1 WHERE id = :id")
                                .param("now", Timestamp.from(clock.instant())).param("id", message.id()).update();
                    } else {
                        Duration wait = settings.outboxInterval().multipliedBy(1L << Math.min(message.attempts(), 6));
                        wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
                        jdbc.sql("""
                                UPDATE consent_outbox SET attempts = attempts + 1, next_attempt_at = :next WHERE id = :id
                                """)
                                .param("next", Timestamp.from(clock.instant().plus(wait))).param("id", message.id())
                                .update();
                        log.warn("consent-service did not take an owed {}; retried later", message.kind());
                        break;
                    }
                }
            });
        } catch (RuntimeException failed) {
            log.warn("Sending what is owed to consent-service failed: {}", failed.getClass().getSimpleName());
        }
    }

    /** How many messages wait; for tests and health. */
    public long pending() {
        return jdbc.sql("SELECT count(*) FROM consent_outbox WHERE sent_at IS NULL").query(Long.class).single();
    }
}
