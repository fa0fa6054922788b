package fr.civis.consent.journal;

import java.util.Optional;

/** Signs checkpoints and checks their signatures (the receipt keys, ES256 JWS, in the service). */
public interface CheckpointSigner {

    /** A signature over {@code payload}: a compact JWS, with its key id. */
    Signed signCheckpoint(byte[] payload);

    /** The payload a compact JWS signed, when its signature verifies with a key we published; empty otherwise. */
    Optional<byte[]> verifyCheckpoint(String jws);

    record Signed(String keyId, String jws) {
    }
}
