package fr.civis.vault.crypto;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where master keys live, and how to open one by its id: the PKCS#12 key store (development; aliases) or a PKCS#11
 * token (production; labels). The key id is the alias or label; which of the two holds it is recorded beside it.
 */
public final class MasterKeySources {

    /** The kinds of place a master key can live in. */
    public enum Store {
        PKCS12, PKCS11;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Store of(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    private final Path keystore;
    private final char[] passphrase;
    private final Pkcs11Token token;

    /**
     * @param keystore   the PKCS#12 file, or {@code null} if there is none
     * @param passphrase its passphrase (copied), or {@code null}
     * @param token      the PKCS#11 token, or {@code null} if there is none
     */
    public MasterKeySources(Path keystore, char[] passphrase, Pkcs11Token token) {
        if ((keystore == null) != (passphrase == null)) {
            throw new IllegalArgumentException("a PKCS#12 key store needs both a file and a passphrase");
        }
        this.keystore = keystore;
        this.passphrase = passphrase == null ? null : passphrase.clone();
        this.token = token;
    }

    public boolean has(Store store) {
        return store == Store.PKCS11 ? token != null : keystore != null;
    }

    /**
     * Opens the existing key {@code keyId} of {@code store}, self-tested.
     *
     * @throws KeyProviderUnavailableException if the token does not answer
     * @throws GeneralSecurityException        if the store has no such key, or not a fit one
     */
    public KeyProvider open(Store store, String keyId) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(store, "store");
        requireStore(store);
        return store == Store.PKCS11 ? token.key(keyId) : KeyStoreKeyProvider.open(keystore, passphrase, keyId);
    }

    /**
     * Opens the first master key of a fresh installation: creates the PKCS#12 file with it if that file does not
     * exist; generates it inside the token (non-extractable) if the token has no key of that label.
     */
    public KeyProvider openOrCreateFirst(Store store, String keyId) throws IOException, GeneralSecurityException {
        requireStore(store);
        if (store == Store.PKCS11) {
            if (!token.contains(keyId)) {
                token.generateKey(keyId);
            }
            return token.key(keyId);
        }
        return KeyStoreKeyProvider.openOrCreate(keystore, passphrase, keyId);
    }

    /**
     * Makes a new key {@code keyId} in {@code store} and opens it: inside the token, non-extractable, for PKCS#11;
     * a new entry of the key store file for PKCS#12.
     */
    public KeyProvider generate(Store store, String keyId) throws IOException, GeneralSecurityException {
        requireStore(store);
        if (store == Store.PKCS11) {
            token.generateKey(keyId);
            return token.key(keyId);
        }
        return KeyStoreKeyProvider.addKey(keystore, passphrase, keyId);
    }

    /** Whether {@code store} already holds a key {@code keyId}. */
    public boolean contains(Store store, String keyId) throws IOException, GeneralSecurityException {
        requireStore(store);
        if (store == Store.PKCS11) {
            return token.contains(keyId);
        }
        try {
            KeyStoreKeyProvider.open(keystore, passphrase, keyId);
            return true;
        } catch (java.security.KeyStoreException | java.nio.file.NoSuchFileException absent) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "MasterKeySources[pkcs12=" + keystore + ", pkcs11=" + token + "]";
    }

    private void requireStore(Store store) {
        if (!has(store)) {
            throw new IllegalStateException(store == Store.PKCS11
                    ? "no PKCS#11 token is configured (civis.keys.pkcs11.*)"
                    : "no PKCS#12 key store is configured (civis.keys.keystore, civis.keys.passphrase)");
        }
    }
}
