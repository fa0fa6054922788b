package fr.civis.consent.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Walks the whole journal in order and names the first entry that cannot be trusted: a missing seq, a stored hash
 * that is not the hash of the entry's canonical encoding, a previous hash that is not the hash of the entry before,
 * a checkpoint whose head differs from the chain at its size, a checkpoint not signed by one of our keys, or
 * entries missing at the end that a checkpoint had covered (a truncated tail). Plain JDBC, streaming with a cursor.
 */
public final class JournalVerifier {

    private static final int FETCH = 2000;

    private final DataSource dataSource;
    private final CheckpointSigner signer;

    public JournalVerifier(DataSource dataSource, CheckpointSigner signer) {
        this.dataSource = dataSource;
        this.signer = signer;
    }

    public Verification verify() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // One snapshot for the whole walk (and a cursor instead of the whole table in memory).
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return walk(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    private Verification walk(Connection connection) throws SQLException {
        List<Checkpoint> checkpoints = checkpoints(connection);
        Checkpoint latest = checkpoints.isEmpty() ? null : checkpoints.getLast();
        var latestView = Verification.CheckpointView.of(latest);

        // Checkpoint signatures first: a forged checkpoint is not evidence of anything.
        for (Checkpoint checkpoint : checkpoints) {
            Optional<byte[]> signed = signer.verifyCheckpoint(checkpoint.signature());
            if (signed.isEmpty() || !Arrays.equals(signed.get(),
                    Checkpoint.payload(checkpoint.size(), checkpoint.headHash(), checkpoint.createdAt()))) {
                return new Verification(false, count(connection), latestView, checkpoint.size(), "checkpoint-signature");
            }
        }

        int nextCheckpoint = 0;
        long lastGoodCheckpoint = 0;
        long expected = 1;
        byte[] prev = Canonical.GENESIS;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + ", purged_at FROM journal_entry ORDER BY seq")) {
            select.setFetchSize(FETCH);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    long seq = row.getLong(1);
                    if (seq != expected) {
                        return new Verification(false, expected - 1, latestView, expected, "entry-missing");
                    }
                    JournalEntry stored = entry(row);
                    Instant recordedAt = stored.recordedAt();
                    JournalEntry.Event event = stored.event();
                    byte[] storedPrev = stored.prevHash();
                    byte[] storedHash = stored.hash();
                    if (!Arrays.equals(storedPrev, prev)) {
                        return new Verification(false, seq, latestView, seq, "chain-broken");
                    }
                    byte[] hash;
                    if (row.getObject(PURGED_AT) != null) {
                        // Redacted past its retention (V7): its hash can no longer be recomputed, so it must be one a
                        // signed checkpoint covers; the next entry's link and that checkpoint vouch for it.
                        if (latest == null || seq > latest.size()) {
                            return new Verification(false, seq, latestView, seq, "purged-unanchored");
                        }
                        hash = storedHash;
                    } else {
                        hash = Canonical.hash(seq, recordedAt, event, prev);
                        if (!Arrays.equals(hash, storedHash)) {
                            return new Verification(false, seq, latestView, seq, "hash-mismatch");
                        }
                    }
                    while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).size() == seq) {
                        if (!Arrays.equals(checkpoints.get(nextCheckpoint).headHash(), hash)) {
                            // The chain is consistent but not the one we signed: something up to here was rewritten
                            // since the last checkpoint that still matched.
                            return new Verification(false, seq, latestView, lastGoodCheckpoint + 1, "checkpoint-mismatch");
                        }
                        lastGoodCheckpoint = seq;
                        nextCheckpoint++;
                    }
                    prev = hash;
                    expected = seq + 1;
                }
            }
        }
        long size = expected - 1;
        if (latest != null && latest.size() > size) {
            return new Verification(false, size, latestView, size + 1, "truncated");
        }
        return new Verification(true, size, latestView, null, null);
    }

    /** The columns {@link #entry} reads, in its order. */
    static final String COLUMNS = "seq, recorded_at, kind, actor, subject, recipient, consent_id, document_id, purpose, "
            + "reason, digest, prev_hash, hash, event_id, client_id, outcome, details";

    /** Where a redaction's time comes in a row selected with {@link #COLUMNS} followed by {@code purged_at}. */
    private static final int PURGED_AT = 18;

    /** One stored entry, from a row selected with {@link #COLUMNS}. */
    static JournalEntry entry(ResultSet row) throws SQLException {
        JournalEntry.Event event = new JournalEntry.Event(row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getObject(7, UUID.class), row.getObject(8, UUID.class), row.getString(9),
                row.getString(10), row.getString(11), row.getString(14), row.getString(15), row.getString(16),
                row.getString(17));
        return new JournalEntry(row.getLong(1), row.getObject(2, OffsetDateTime.class).toInstant(), event,
                row.getBytes(12), row.getBytes(13));
    }

    private static long count(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM journal_entry");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    static List<Checkpoint> checkpoints(Connection connection) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT size, head_hash, created_at, key_id, signature FROM journal_checkpoint ORDER BY size");
             ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                checkpoints.add(new Checkpoint(row.getLong(1), row.getBytes(2), row.getObject(3, OffsetDateTime.class).toInstant(),
                        row.getString(4), row.getString(5)));
            }
        }
        return checkpoints;
    }
}
