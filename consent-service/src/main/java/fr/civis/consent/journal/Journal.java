package fr.civis.consent.journal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import fr.civis.common.problem.ProblemException;

/**
 * The journal as the rest of the service sees it: append (and wait for the commit), read a citizen's entries,
 * checkpoint, verify. A failed append is a 503 {@code journal-unavailable}: nothing that needed it may go on.
 */
@Service
public class Journal implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    /** An entry as shown to the citizen whose documents it is about. */
    public record Entry(long entryId, Instant recordedAt, String kind, String recipient, UUID consentId,
            UUID documentId, String purpose, String reason, String digest) {
    }

    private final JournalWriter writer;
    private final JournalVerifier verifier;
    private final Checkpointer checkpointer;
    private final JdbcClient jdbc;

    Journal(DataSource dataSource, JdbcClient jdbc, CheckpointSigner signer, JournalProperties settings, Clock clock) {
        this.writer = new JournalWriter(dataSource, clock, settings.maxBatch(), settings.appendTimeout());
        this.verifier = new JournalVerifier(dataSource, signer);
        this.checkpointer = new Checkpointer(dataSource, signer, clock);
        this.jdbc = jdbc;
    }

    public JournalEntry append(JournalEntry.Event event) {
        try {
            return writer.append(event);
        } catch (JournalUnavailableException e) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "journal-unavailable", e);
        }
    }

    /**
     * Appends several events and waits until every one is committed (they may land in different groups). An event
     * whose {@code eventId} the journal already holds is not appended again: its entry is returned.
     */
    public List<JournalEntry> appendAll(List<JournalEntry.Event> events) {
        try {
            return writer.appendAll(events);
        } catch (JournalUnavailableException e) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "journal-unavailable", e);
        }
    }

    /** Grants, accesses, denials, revocations and endings about this citizen, newest first (at most {@code limit}). */
    public List<Entry> about(String subject, UUID documentId, int limit) {
        String sql = "SELECT seq, recorded_at, kind, recipient, consent_id, document_id, purpose, reason, digest "
                + "FROM journal_entry WHERE subject = :subject"
                + (documentId == null ? "" : " AND document_id = :document")
                + " ORDER BY seq DESC LIMIT :limit";
        var statement = jdbc.sql(sql).param("subject", subject).param("limit", limit);
        if (documentId != null) {
            statement = statement.param("document", documentId);
        }
        return statement.query((row, n) -> new Entry(row.getLong(1), row.getObject(2, OffsetDateTime.class).toInstant(),
                row.getString(3), row.getString(4), row.getObject(5, UUID.class), row.getObject(6, UUID.class),
                row.getString(7), row.getString(8), row.getString(9))).list();
    }

    /** The latest signed checkpoint of the chain's head, if one was made (its signature is checked by {@link #verify}). */
    public Optional<Verification.CheckpointView> latestCheckpoint() {
        return jdbc.sql("SELECT size, head_hash, created_at, key_id FROM journal_checkpoint ORDER BY size DESC LIMIT 1")
                .query((row, n) -> new Verification.CheckpointView(row.getLong(1), Canonical.hex(row.getBytes(2)),
                        row.getObject(3, OffsetDateTime.class).toInstant(), row.getString(4)))
                .optional();
    }

    public Verification verify() {
        try {
            return verifier.verify();
        } catch (SQLException e) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "journal-unavailable", e);
        }
    }

    @Scheduled(initialDelayString = "${civis.journal.checkpoint-interval:60s}",
            fixedDelayString = "${civis.journal.checkpoint-interval:60s}")
    void checkpoint() {
        try {
            checkpointer.checkpoint().ifPresent(checkpoint ->
                    log.info("Journal checkpoint: {} entries, head {}", checkpoint.size(),
                            Canonical.hex(checkpoint.headHash())));
        } catch (SQLException | RuntimeException e) {
            log.warn("Journal checkpoint failed: {}", e.getClass().getName());
        }
    }

    @Override
    public void destroy() {
        writer.close();
    }
}
