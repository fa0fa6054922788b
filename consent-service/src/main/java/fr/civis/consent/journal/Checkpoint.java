package fr.civis.consent.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed statement of the chain's head: "the journal had {@code size} entries and the last one's hash was
 * {@code headHash} at {@code createdAt}". Once one exists, removing or rewriting any entry up to {@code size}
 * shows, even if the chain after it were recomputed.
 */
public record Checkpoint(long size, byte[] headHash, Instant createdAt, String keyId, String signature) {

    public Checkpoint {
        headHash = headHash.clone();
    }

    @Override
    public byte[] headHash() {
        return headHash.clone();
    }

    /** What the signature covers: a small JSON document with fixed member order, so it can be rebuilt exactly. */
    public static byte[] payload(long size, byte[] headHash, Instant createdAt) {
        return ("{\"journal\":\"civis-journal/1\",\"size\":" + size + ",\"head\":\"" + Canonical.hex(headHash)
                + "\",\"time\":\"" + Canonical.truncate(createdAt) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    public String headHashBase64() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(headHash);
    }
}
