package fr.civis.consent.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to the journal without ever forking its chain, from any number of threads and instances.
 *
 * <p>Callers hand their events to one writer thread per instance, which takes all that waits (up to
 * {@code maxBatch}) and writes them in one transaction: it takes a transaction-scoped advisory lock that every
 * instance takes before appending, reads the head (last seq and hash) only once it holds the lock, chains the
 * events onto it and commits. The lock serializes writers across instances; the primary key on {@code seq} would
 * refuse a fork even if a writer skipped it. Grouping is what makes the rate: one commit (one WAL flush) carries
 * every event that arrived while the previous one was flushing.
 *
 * <p>An append returns once its entry is committed; if the transaction fails, every caller in it gets the failure
 * and nothing of that group was written. Plain JDBC: no Spring here, so the benchmark compiles this class alone.
 */
public final class JournalWriter implements AutoCloseable {

    /** Key of the advisory lock every appender takes ("civis!jr" in ASCII). */
    public static final long APPEND_LOCK = 0x636976697321_6a72L;

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);
    private static final String INSERT = "INSERT INTO journal_entry (seq, recorded_at, kind, actor, subject, recipient, "
            + "consent_id, document_id, purpose, reason, digest, prev_hash, hash, event_id, client_id, outcome, details) VALUES ";
    private static final String LOCK_THEN_HEAD = "SELECT set_config('synchronous_commit', 'on', true), "
            + "pg_advisory_xact_lock(" + APPEND_LOCK + "); SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int COLUMNS = 17;

    private record Pending(JournalEntry.Event event, CompletableFuture<JournalEntry> done) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final int maxBatch;
    private final Duration timeout;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;

    public JournalWriter(DataSource dataSource, Clock clock, int maxBatch, Duration timeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.writer = Thread.ofPlatform().name("journal-writer").daemon().start(this::run);
    }

    /** Appends one event and waits until it is committed; throws {@link JournalUnavailableException} otherwise. */
    public JournalEntry append(JournalEntry.Event event) {
        try {
            return submit(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalUnavailableException("interrupted while appending", e);
        } catch (ExecutionException e) {
            throw new JournalUnavailableException("the journal could not be written", e.getCause());
        } catch (TimeoutException e) {
            throw new JournalUnavailableException("the journal did not answer within " + timeout, e);
        }
    }

    /** Appends several events and waits until all are committed, within one timeout for all. */
    public List<JournalEntry> appendAll(List<JournalEntry.Event> events) {
        List<CompletableFuture<JournalEntry>> pending = events.stream().map(this::submit).toList();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return pending.stream().map(CompletableFuture::join).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalUnavailableException("interrupted while appending", e);
        } catch (ExecutionException e) {
            throw new JournalUnavailableException("the journal could not be written", e.getCause());
        } catch (TimeoutException e) {
            throw new JournalUnavailableException("the journal did not answer within " + timeout, e);
        }
    }

    /** Queues one event; the future completes with its entry once committed. */
    public CompletableFuture<JournalEntry> submit(JournalEntry.Event event) {
        Objects.requireNonNull(event, "event");
        CompletableFuture<JournalEntry> done = new CompletableFuture<>();
        if (!open) {
            done.completeExceptionally(new JournalUnavailableException("the journal writer is closed", null));
            return done;
        }
        queue.add(new Pending(event, done));
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (open || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!open) {
                    break;
                }
            } catch (RuntimeException | Error unexpected) {
                log.error("Journal writer: unexpected {}", unexpected.getClass().getName(), unexpected);
                batch.forEach(pending -> pending.done().completeExceptionally(unexpected));
            } finally {
                batch.clear();
            }
        }
        for (Pending left; (left = queue.poll()) != null; ) {
            left.done().completeExceptionally(new JournalUnavailableException("the journal writer is closed", null));
        }
    }

    private void write(List<Pending> batch) {
        List<JournalEntry> entries = new ArrayList<>(batch.size());
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                long seq = 0;
                byte[] prev = Canonical.GENESIS;
                // One round trip, two statements: take the lock, then read the head. Under READ COMMITTED each
                // statement sees what was committed when it starts, so the head is read once the lock is held.
                // Durable whatever the server's default (embedded PostgreSQL turns synchronous_commit off): an access
                // is answered only once its entry would survive a crash of the database.
                try (Statement statement = connection.createStatement()) {
                    statement.execute(LOCK_THEN_HEAD);
                    if (!statement.getMoreResults()) {
                        throw new SQLException("the journal head query returned no result");
                    }
                    try (ResultSet row = statement.getResultSet()) {
                        if (row.next()) {
                            seq = row.getLong(1);
                            prev = row.getBytes(2);
                        }
                    }
                }
                // What arrived while we waited for the lock (another instance was committing) joins this group.
                queue.drainTo(batch, maxBatch - batch.size());
                // An event id already in the journal (a delivery retried after a lost answer or a crash) or twice in
                // this group is not appended again: its caller gets the entry that holds it. Read under the lock,
                // so no other writer can add it meanwhile; the unique index refuses it even if one did.
                Map<String, JournalEntry> known = held(connection, batch);
                Instant now = Canonical.truncate(clock.instant());
                List<JournalEntry> fresh = new ArrayList<>(batch.size());
                for (Pending pending : batch) {
                    JournalEntry.Event event = pending.event();
                    JournalEntry existing = event.eventId() == null ? null : known.get(event.eventId());
                    if (existing != null) {
                        entries.add(existing);
                        continue;
                    }
                    seq++;
                    byte[] hash = Canonical.hash(seq, now, event, prev);
                    JournalEntry entry = new JournalEntry(seq, now, event, prev, hash);
                    entries.add(entry);
                    fresh.add(entry);
                    if (event.eventId() != null) {
                        known.put(event.eventId(), entry);
                    }
                    prev = hash;
                }
                if (!fresh.isEmpty()) {
                    // One multi-row INSERT: one round trip and one statement for the whole group.
                    String sql = INSERT + String.join(", ", java.util.Collections.nCopies(fresh.size(), ROW));
                    try (PreparedStatement insert = connection.prepareStatement(sql)) {
                        for (int i = 0; i < fresh.size(); i++) {
                            bind(insert, i * COLUMNS, fresh.get(i));
                        }
                        insert.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Journal append of {} entries failed: {}", batch.size(), e.getClass().getName());
            JournalUnavailableException failure = new JournalUnavailableException("the journal could not be written", e);
            batch.forEach(pending -> pending.done().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(entries.get(i));
        }
    }

    static void bind(PreparedStatement insert, int offset, JournalEntry entry) throws SQLException {
        JournalEntry.Event event = entry.event();
        insert.setLong(offset + 1, entry.seq());
        insert.setObject(offset + 2, OffsetDateTime.ofInstant(entry.recordedAt(), ZoneOffset.UTC));
        insert.setString(offset + 3, event.kind());
        insert.setString(offset + 4, event.actor());
        insert.setString(offset + 5, event.subject());
        insert.setString(offset + 6, event.recipient());
        setUuid(insert, offset + 7, event.consentId());
        setUuid(insert, offset + 8, event.documentId());
        insert.setString(offset + 9, event.purpose());
        insert.setString(offset + 10, event.reason());
        insert.setString(offset + 11, event.digest());
        insert.setBytes(offset + 12, entry.prevHash());
        insert.setBytes(offset + 13, entry.hash());
        insert.setString(offset + 14, event.eventId());
        insert.setString(offset + 15, event.clientId());
        insert.setString(offset + 16, event.outcome());
        insert.setString(offset + 17, event.details());
    }

    /** The entries that already hold one of the group's event ids, by event id. */
    private static Map<String, JournalEntry> held(Connection connection, List<Pending> batch) throws SQLException {
        Map<String, JournalEntry> held = new HashMap<>();
        String[] ids = batch.stream().map(pending -> pending.event().eventId()).filter(Objects::nonNull)
                .distinct().toArray(String[]::new);
        if (ids.length == 0) {
            return held;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + JournalVerifier.COLUMNS + " FROM journal_entry WHERE event_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", ids));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    JournalEntry entry = JournalVerifier.entry(row);
                    held.put(entry.event().eventId(), entry);
                }
            }
        }
        return held;
    }

    private static void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.OTHER);
        } else {
            statement.setObject(index, value);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is likely broken; the pool discards it.
        }
    }

    /** Stops taking events, writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        open = false;
        try {
            writer.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
