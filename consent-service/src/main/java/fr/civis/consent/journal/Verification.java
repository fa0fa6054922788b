package fr.civis.consent.journal;

import java.time.Instant;

/**
 * The result of walking the journal.
 *
 * @param ok             every entry chains onto the one before it, hashes as stored, and every checkpoint is signed by
 *                       one of our keys and matches the chain
 * @param size           the number of entries found
 * @param checkpoint     the latest checkpoint (null when none was made yet)
 * @param firstBadEntry  the seq of the first entry that cannot be trusted (missing, changed, out of chain), or null
 * @param reason         why it cannot: {@code entry-missing}, {@code hash-mismatch}, {@code chain-broken},
 *                       {@code checkpoint-mismatch}, {@code checkpoint-signature}, {@code truncated}, {@code purged-unanchored} (a
 *                       redacted entry no signed checkpoint covers); null when ok
 */
public record Verification(boolean ok, long size, CheckpointView checkpoint, Long firstBadEntry, String reason) {

    public record CheckpointView(long size, String headHash, Instant createdAt, String keyId) {

        static CheckpointView of(Checkpoint checkpoint) {
            return checkpoint == null ? null : new CheckpointView(checkpoint.size(), Canonical.hex(checkpoint.headHash()),
                    checkpoint.createdAt(), checkpoint.keyId());
        }
    }
}
