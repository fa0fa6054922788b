package fr.civis.vault.crypto;

import java.security.GeneralSecurityException;

/**
 * The master key-encryption key, which wraps citizen keys. It is the root of the key hierarchy and should live
 * in a device the key never leaves: a PKCS#11 HSM (see {@link KeyStoreKeyProvider#fromKeyStore}) or a cloud
 * KMS. {@link KeyStoreKeyProvider#openOrCreate} is the file-backed one for development.
 *
 * <p>Implementations must be thread-safe, authenticate {@code associatedData}, and throw
 * {@link javax.crypto.AEADBadTagException} from {@link #unwrap} when the wrapped bytes do not authenticate (altered,
 * other associated data, other key); any other {@link GeneralSecurityException} means the provider could not work
 * (device unreachable, key disabled) and is passed on as such, not as a broken seal.
 *
 * <p>This interface is the only place where unwrapped key material crosses an API, and only inside this package's
 * {@link Keyring}: application code never calls it.
 */
public interface KeyProvider {

    /**
     * Names the master key; stored in clear beside every key it wraps so that a rotation can find the right one.
     * Stable for a given key, unique among the keys the service may hold, at most 255 bytes of UTF-8.
     */
    String keyId();

    /** Encrypts and authenticates key material, binding {@code associatedData} to it. */
    byte[] wrap(byte[] plaintextKey, byte[] associatedData) throws GeneralSecurityException;

    /** Reverses {@link #wrap}, given the same associated data; throws {@link javax.crypto.AEADBadTagException} if they do not authenticate. */
    byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException;
}
