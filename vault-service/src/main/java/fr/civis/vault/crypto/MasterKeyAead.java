package fr.civis.vault.crypto;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;

import com.google.crypto.tink.Aead;

/** Lets Tink encrypt a keyset with a {@link KeyProvider}, keeping apart seal failures and provider failures. */
final class MasterKeyAead implements Aead {

    /** A provider failure that is not a broken seal; carried through Tink and unwrapped by the keyring. */
    static final class ProviderFailure extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        ProviderFailure(GeneralSecurityException cause) {
            super(cause.getMessage(), cause);
        }

        GeneralSecurityException original() {
            return (GeneralSecurityException) getCause();
        }
    }

    private final KeyProvider provider;

    MasterKeyAead(KeyProvider provider) {
        this.provider = provider;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        try {
            return provider.wrap(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new ProviderFailure(e);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        try {
            return provider.unwrap(ciphertext, associatedData);
        } catch (AEADBadTagException brokenSeal) {
            throw brokenSeal;
        } catch (GeneralSecurityException e) {
            throw new ProviderFailure(e);
        }
    }
}
