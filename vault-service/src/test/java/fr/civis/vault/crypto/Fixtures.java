package fr.civis.vault.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.SplittableRandom;
import java.util.UUID;

import javax.crypto.KeyGenerator;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig2026;

/** Shared test helpers: in-memory master keys, sealing and opening in one call, peeking at key bytes. */
final class Fixtures {

    /** AES-256-GCM-HKDF: header = 1 length byte + 32 salt + 7 nonce prefix; each segment ends with a 16-byte tag. */
    static final int HEADER = 40;
    static final int TAG = 16;

    private Fixtures() {
    }

    /** A master key in an in-memory PKCS#12 key store, through the production factory. */
    static KeyStoreKeyProvider memoryMasterKey(String alias) throws GeneralSecurityException, IOException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "test-only-password".toCharArray();
        keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(generator.generateKey()),
                new KeyStore.PasswordProtection(password));
        return KeyStoreKeyProvider.fromKeyStore(keyStore, alias, password);
    }

    static String owner() {
        return "sub-" + UUID.randomUUID();
    }

    static DocumentRef ref(String owner) {
        return new DocumentRef(owner, UUID.randomUUID());
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    static byte[] seal(DocumentKey key, byte[] plaintext, int version) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(plaintext.length + 1024);
        try (OutputStream out = key.sealingStream(sink, version)) {
            out.write(plaintext);
        }
        return sink.toByteArray();
    }

    static byte[] open(DocumentKey key, byte[] ciphertext, int version) throws IOException {
        try (InputStream in = key.openingStream(new java.io.ByteArrayInputStream(ciphertext), version)) {
            return in.readAllBytes();
        }
    }

    /** The same key material bound to another ref: what an attacker moving a ciphertext would need. */
    static DocumentKey sameKeyOtherRef(DocumentKey key, DocumentRef otherRef) throws GeneralSecurityException {
        return new DocumentKey(otherRef, key.keyset(),
                key.keyset().getPrimitive(StreamingAeadConfig2026.get(), StreamingAead.class));
    }

    static byte[] rawKeyBytes(DocumentKey key) {
        return ((AesGcmHkdfStreamingKey) key.keyset().getPrimary().getKey()).getInitialKeyMaterial()
                .toByteArray(InsecureSecretKeyAccess.get());
    }

    static byte[] rawKeyBytes(CitizenKey key) {
        return ((AesGcmKey) key.keyset().getPrimary().getKey()).getKeyBytes()
                .toByteArray(InsecureSecretKeyAccess.get());
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle) >= 0;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
