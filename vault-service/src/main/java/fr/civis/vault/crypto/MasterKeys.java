package fr.civis.vault.crypto;

import java.security.GeneralSecurityException;

/**
 * The master keys a {@link Keyring} seals under and opens with. During a rotation they change while the service
 * runs: a new key becomes {@linkplain #current() current} while citizen keys sealed under older ones still open
 * through {@link #find}. Implementations must be thread-safe.
 */
public interface MasterKeys {

    /** The key new (and rewrapped) citizen keys are sealed under. */
    KeyProvider current() throws GeneralSecurityException;

    /**
     * The key named {@code keyId}, or {@code null} if it is not one of the keys in use (unknown, or retired).
     *
     * @throws GeneralSecurityException if the key is in use but its device cannot open it now
     */
    KeyProvider find(String keyId) throws GeneralSecurityException;
}
