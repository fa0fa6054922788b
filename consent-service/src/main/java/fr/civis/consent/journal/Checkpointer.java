package fr.civis.consent.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Signs the chain's current head when it has grown since the last checkpoint. Several instances may run it at once:
 * the checkpoint's size is its primary key, so the second one to sign the same head adds nothing.
 */
public final class Checkpointer {

    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final Clock clock;

    public Checkpointer(DataSource dataSource, CheckpointSigner signer, Clock clock) {
        this.dataSource = dataSource;
        this.signer = signer;
        this.clock = clock;
    }

    /** The new checkpoint, or empty when the journal has not grown since the last one. */
    public Optional<Checkpoint> checkpoint() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            long size;
            byte[] head;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1");
                 ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                size = row.getLong(1);
                head = row.getBytes(2);
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT 1 FROM journal_checkpoint WHERE size >= ? LIMIT 1")) {
                statement.setLong(1, size);
                try (ResultSet row = statement.executeQuery()) {
                    if (row.next()) {
                        return Optional.empty();
                    }
                }
            }
            Instant now = Canonical.truncate(clock.instant());
            CheckpointSigner.Signed signed = signer.signCheckpoint(Checkpoint.payload(size, head, now));
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO journal_checkpoint "
                    + "(size, head_hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setLong(1, size);
                insert.setBytes(2, head);
                insert.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                insert.setString(4, signed.keyId());
                insert.setString(5, signed.jws());
                return insert.executeUpdate() == 1
                        ? Optional.of(new Checkpoint(size, head, now, signed.keyId(), signed.jws()))
                        : Optional.empty();
            }
        }
    }
}
