package fr.civis.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;

/**
 * A citizen's key (a Tink AES-256-GCM keyset), open in memory and bound to its owner (the citizen's subject): it seals and opens
 * the data keys of that owner's documents through {@link Keyring#sealDocumentKey} and
 * {@link Keyring#openDocumentKey}.
 *
 * <p>Obtained from {@link Keyring#openCitizenKey}. Thread-safe. It never gives out its key bytes, and its
 * {@code toString} says nothing.
 */
public final class CitizenKey {

    private final String owner;
    private final KeysetHandle keyset;
    private final Aead aead;

    CitizenKey(String owner, KeysetHandle keyset, Aead aead) {
        this.owner = owner;
        this.keyset = keyset;
        this.aead = aead;
    }

    /** The subject of the citizen this key belongs to. */
    public String owner() {
        return owner;
    }

    /** Says nothing about the key nor its owner. */
    @Override
    public String toString() {
        return "CitizenKey[sealed]";
    }

    KeysetHandle keyset() {
        return keyset;
    }

    Aead aead() {
        return aead;
    }
}
