package fr.civis.vault.masterkey;

import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.SealBrokenException;

/**
 * The batches of a master-key rotation, on plain JDBC (the benchmark runs this very class): each batch locks up to
 * {@code batchSize} citizen keys not yet under the rotation's target key, in owner order after the rotation's
 * cursor, reseals each under the keyring's current master key (the citizen key itself, hence every document key
 * and content, stays the same), and commits the rows with the rotation's progress in one transaction. A crash loses
 * at most the batch in flight, which the next run does again.
 *
 * <p>Rows locked by traffic are skipped ({@code SKIP LOCKED}), never waited for; a pass that reaches the end starts
 * again from the first owner until no row remains, so keys written meanwhile by an instance that still sealed under
 * the old key are caught too. A pass that rewraps nothing while rows remain ends the rotation: those rows do not
 * open (counted as {@code left_over}), and they keep naming their old key, whose retirement is then refused.
 */
public final class CitizenKeyRewrapper {

    /** What one batch did. */
    public record Batch(int rewrapped, int broken, boolean finished) {
    }

    private final Keyring keyring;
    private final int batchSize;

    public CitizenKeyRewrapper(Keyring keyring, int batchSize) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        this.batchSize = batchSize;
    }

    /**
     * Runs one batch of the rotation {@code rotationId} in its own transaction on {@code connection}.
     *
     * @throws GeneralSecurityException if the master key provider failed (nothing of the batch is kept)
     */
    public Batch runBatch(Connection connection, long rotationId) throws SQLException, GeneralSecurityException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        boolean committed = false;
        try {
            Batch batch = batch(connection, rotationId);
            connection.commit();
            committed = true;
            return batch;
        } finally {
            if (!committed) {
                connection.rollback();
            }
            connection.setAutoCommit(autoCommit);
        }
    }

    private Batch batch(Connection connection, long rotationId) throws SQLException, GeneralSecurityException {
        String target;
        String cursor;
        long passRewrapped;
        try (PreparedStatement rotation = connection.prepareStatement("""
                SELECT target_key, cursor_owner, pass_rewrapped FROM master_key_rotation
                WHERE id = ? AND state = 'running' FOR UPDATE""")) {
            rotation.setLong(1, rotationId);
            try (ResultSet row = rotation.executeQuery()) {
                if (!row.next()) {
                    return new Batch(0, 0, true);
                }
                target = row.getString(1);
                cursor = row.getString(2);
                passRewrapped = row.getLong(3);
            }
        }

        List<String> owners = new ArrayList<>();
        List<byte[]> sealed = new ArrayList<>();
        try (PreparedStatement page = connection.prepareStatement("""
                SELECT owner, wrapped_key FROM citizen_key WHERE owner > ? AND master_key_id <> ?
                ORDER BY owner LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            page.setString(1, cursor);
            page.setString(2, target);
            page.setInt(3, batchSize);
            try (ResultSet rows = page.executeQuery()) {
                while (rows.next()) {
                    owners.add(rows.getString(1));
                    sealed.add(rows.getBytes(2));
                }
            }
        }

        if (owners.isEmpty()) {
            return endOfPass(connection, rotationId, target, cursor, passRewrapped);
        }

        int broken = 0;
        int rewrapped = 0;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE citizen_key SET wrapped_key = ?, master_key_id = ? WHERE owner = ?")) {
            for (int i = 0; i < owners.size(); i++) {
                byte[] resealed;
                try {
                    resealed = keyring.rewrapCitizenKey(owners.get(i), sealed.get(i));
                } catch (SealBrokenException doesNotOpen) {
                    broken++; // left under its old key: counted at the end, never guessed at
                    continue;
                }
                if (!target.equals(Keyring.masterKeyIdOf(resealed))) {
                    throw new IllegalStateException("the current master key is no longer the rotation's target '"
                            + target + "'");
                }
                update.setBytes(1, resealed);
                update.setString(2, target);
                update.setString(3, owners.get(i));
                update.addBatch();
                rewrapped++;
            }
            if (rewrapped > 0) {
                update.executeBatch();
            }
        }
        try (PreparedStatement progress = connection.prepareStatement("""
                UPDATE master_key_rotation SET done = done + ?, pass_rewrapped = pass_rewrapped + ?,
                    cursor_owner = ?, updated_at = now() WHERE id = ?""")) {
            progress.setLong(1, rewrapped);
            progress.setLong(2, rewrapped);
            progress.setString(3, owners.getLast());
            progress.setLong(4, rotationId);
            progress.executeUpdate();
        }
        return new Batch(rewrapped, broken, false);
    }

    private static Batch endOfPass(Connection connection, long rotationId, String target, String cursor,
            long passRewrapped) throws SQLException {
        long remaining;
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FROM citizen_key WHERE master_key_id <> ?")) {
            count.setString(1, target);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                remaining = row.getLong(1);
            }
        }
        if (remaining > 0 && cursor.isEmpty()) {
            // Rows remain but every one is locked by traffic right now: try again shortly.
            return new Batch(0, 0, false);
        }
        if (remaining > 0 && passRewrapped > 0) {
            // A new pass, for rows skipped while locked or written under the old key meanwhile.
            try (PreparedStatement restart = connection.prepareStatement("""
                    UPDATE master_key_rotation SET cursor_owner = '', pass_rewrapped = 0, updated_at = now()
                    WHERE id = ?""")) {
                restart.setLong(1, rotationId);
                restart.executeUpdate();
            }
            return new Batch(0, 0, false);
        }
        try (PreparedStatement finish = connection.prepareStatement("""
                UPDATE master_key_rotation SET state = 'done', left_over = ?, finished_at = now(), updated_at = now()
                WHERE id = ?""")) {
            finish.setLong(1, remaining);
            finish.setLong(2, rotationId);
            finish.executeUpdate();
        }
        return new Batch(0, 0, true);
    }
}
