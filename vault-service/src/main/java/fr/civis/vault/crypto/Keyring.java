package fr.civis.vault.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig2026;

/**
 * Entry point of envelope encryption: master key ({@link KeyProvider}) → citizen key ({@link CitizenKey}) →
 * document key ({@link DocumentKey}) → content and fields.
 *
 * <pre>{@code
 * Keyring keyring = Keyring.create(KeyStoreKeyProvider.openOrCreate(file, passphrase, "civis-master-1"));
 * byte[] sealedCitizenKey = keyring.newCitizenKey(owner);                 // persist with the citizen
 * CitizenKey citizenKey = keyring.openCitizenKey(owner, sealedCitizenKey);
 * DocumentKey documentKey = keyring.newDocumentKey(new DocumentRef(owner, documentId));
 * byte[] sealedDocumentKey = keyring.sealDocumentKey(documentKey, citizenKey);  // persist with the document
 * try (OutputStream out = documentKey.sealingStream(objectStorageSink, 1)) { upload.transferTo(out); }
 * }</pre>
 *
 * Every sealed form is an opaque byte array to persist; no method gives out key bytes. Every failure to open
 * (altered bytes, another owner, document, version or field, another key) is a {@link SealBrokenException}.
 * Thread-safe and immutable.
 */
public final class Keyring {

    /** Ciphertext segment size of new document keys: 64 KiB (bigger segments slow down small documents). */
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
    static final int MIN_SEGMENT_SIZE = 4 * 1024;
    static final int MAX_SEGMENT_SIZE = 8 * 1024 * 1024;

    private static final byte FORMAT_V1 = 0x01;
    private static final Configuration CITIZEN_KEYS;
    private static final Configuration DOCUMENT_KEYS;

    static {
        try {
            // Tink still serializes keysets (and prints handles) through the global registry.
            AeadConfig.register();
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
        CITIZEN_KEYS = AeadConfig2026.get();
        DOCUMENT_KEYS = StreamingAeadConfig2026.get();
    }

    private final MasterKeys masterKeys;
    private final AesGcmHkdfStreamingParameters documentKeyParameters;

    private Keyring(MasterKeys masterKeys, AesGcmHkdfStreamingParameters documentKeyParameters) {
        this.masterKeys = masterKeys;
        this.documentKeyParameters = documentKeyParameters;
    }

    /** A keyring wrapping citizen keys with {@code masterKey}, with {@value #DEFAULT_SEGMENT_SIZE}-byte segments. */
    public static Keyring create(KeyProvider masterKey) {
        return create(masterKey, DEFAULT_SEGMENT_SIZE);
    }

    /**
     * A keyring wrapping citizen keys with {@code masterKey}, whose new document keys cut content into
     * ciphertext segments of {@code segmentSizeBytes} (4 KiB to 8 MiB). The size is stored in each document key,
     * so changing it later does not affect existing documents.
     */
    public static Keyring create(KeyProvider masterKey, int segmentSizeBytes) {
        Objects.requireNonNull(masterKey, "masterKey");
        Map<String, KeyProvider> keys = new LinkedHashMap<>();
        keys.put(requireKeyId(masterKey), masterKey);
        return new Keyring(new FixedMasterKeys(masterKey, keys), documentKeyParameters(segmentSizeBytes));
    }

    /**
     * A keyring whose master keys may change while it is in use (a rotation makes a new one current): citizen keys
     * are sealed under {@link MasterKeys#current()} at the time of each call and opened with the key they name.
     */
    public static Keyring create(MasterKeys masterKeys, int segmentSizeBytes) {
        Objects.requireNonNull(masterKeys, "masterKeys");
        return new Keyring(masterKeys, documentKeyParameters(segmentSizeBytes));
    }

    private static AesGcmHkdfStreamingParameters documentKeyParameters(int segmentSizeBytes) {
        if (segmentSizeBytes < MIN_SEGMENT_SIZE || segmentSizeBytes > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("the segment size must be between " + MIN_SEGMENT_SIZE + " and "
                    + MAX_SEGMENT_SIZE + " bytes: " + segmentSizeBytes);
        }
        try {
            return AesGcmHkdfStreamingParameters.builder()
                    .setKeySizeBytes(32)
                    .setDerivedAesGcmKeySizeBytes(32)
                    .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
                    .setCiphertextSegmentSizeBytes(segmentSizeBytes)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Tink refused the segment size " + segmentSizeBytes, e);
        }
    }

    /**
     * A keyring that also opens citizen keys wrapped by {@code retiredMasterKey}, for a master key rotation: new
     * and rewrapped citizen keys still go to the current master key (see {@link #rewrapCitizenKey}).
     */
    public Keyring alsoOpeningWith(KeyProvider retiredMasterKey) {
        String keyId = requireKeyId(Objects.requireNonNull(retiredMasterKey, "retiredMasterKey"));
        if (!(masterKeys instanceof FixedMasterKeys fixed)) {
            throw new IllegalStateException("this keyring's master keys are managed by " + masterKeys);
        }
        if (fixed.keys().containsKey(keyId)) {
            throw new IllegalArgumentException("this keyring already holds a master key '" + keyId + "'");
        }
        Map<String, KeyProvider> more = new LinkedHashMap<>(fixed.keys());
        more.put(keyId, retiredMasterKey);
        return new Keyring(new FixedMasterKeys(fixed.current(), more), documentKeyParameters);
    }

    /** A set of master keys that never changes. */
    private record FixedMasterKeys(KeyProvider current, Map<String, KeyProvider> keys) implements MasterKeys {
        @Override
        public KeyProvider find(String keyId) {
            return keys.get(keyId);
        }
    }

    /**
     * Makes a new citizen key for {@code owner} and returns it sealed under the master key, to persist with the
     * citizen. The sealed form names the master key (see {@link #masterKeyIdOf}) and opens only for this owner.
     *
     * @throws GeneralSecurityException if the master key provider failed
     */
    public byte[] newCitizenKey(String owner) throws GeneralSecurityException {
        requireSubject(owner);
        return sealCitizenKey(owner, KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CITIZEN_KEYS));
    }

    /**
     * Opens a citizen key sealed by {@link #newCitizenKey} or {@link #rewrapCitizenKey} for the same owner.
     *
     * @throws SealBrokenException      if it does not open (altered, another owner, unknown master key)
     * @throws GeneralSecurityException if the master key provider failed
     */
    public CitizenKey openCitizenKey(String owner, byte[] sealedCitizenKey)
            throws SealBrokenException, GeneralSecurityException {
        requireSubject(owner);
        Objects.requireNonNull(sealedCitizenKey, "sealedCitizenKey");
        String keyId = readMasterKeyId(sealedCitizenKey);
        if (keyId == null) {
            throw new SealBrokenException("citizen key", "not a sealed citizen key of format 1");
        }
        KeyProvider provider = masterKeys.find(keyId);
        if (provider == null) {
            throw new SealBrokenException("citizen key",
                    "sealed under the master key '" + keyId + "', which this keyring does not hold");
        }
        int start = 2 + keyId.getBytes(StandardCharsets.UTF_8).length;
        try {
            KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(
                    Arrays.copyOfRange(sealedCitizenKey, start, sealedCitizenKey.length),
                    new MasterKeyAead(provider), AssociatedData.citizenKey(owner, keyId), CITIZEN_KEYS);
            return new CitizenKey(owner, keyset, keyset.getPrimitive(CITIZEN_KEYS, Aead.class));
        } catch (GeneralSecurityException e) {
            MasterKeyAead.ProviderFailure failure = providerFailure(e);
            if (failure != null) {
                throw failure.original();
            }
            throw new SealBrokenException("citizen key", e);
        }
    }

    /**
     * Reseals a citizen key under the current master key, for a rotation: the citizen key itself, and so every
     * document key sealed under it, stays the same. Needs a keyring that holds the master key it was sealed under
     * ({@link #alsoOpeningWith}).
     */
    public byte[] rewrapCitizenKey(String owner, byte[] sealedCitizenKey)
            throws SealBrokenException, GeneralSecurityException {
        return sealCitizenKey(owner, openCitizenKey(owner, sealedCitizenKey).keyset());
    }

    /**
     * The id of the master key a sealed citizen key is wrapped under, read from its clear header, to find the
     * citizen keys a rotation has yet to rewrap.
     *
     * @throws IllegalArgumentException if these are not the bytes of a sealed citizen key
     */
    public static String masterKeyIdOf(byte[] sealedCitizenKey) {
        String keyId = readMasterKeyId(Objects.requireNonNull(sealedCitizenKey, "sealedCitizenKey"));
        if (keyId == null) {
            throw new IllegalArgumentException("not a sealed citizen key of format 1");
        }
        return keyId;
    }

    /** Makes a new random data key for the document {@code ref}; seal it with {@link #sealDocumentKey}. */
    public DocumentKey newDocumentKey(DocumentRef ref) {
        Objects.requireNonNull(ref, "ref");
        try {
            return documentKey(ref, KeysetHandle.generateNew(documentKeyParameters, DOCUMENT_KEYS));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not make a document key", e);
        }
    }

    /**
     * Seals a document key under its owner's citizen key, bound to the document's ref, to persist with the
     * document. Destroying every copy of the result shreds the document: content and sealed fields.
     *
     * @throws IllegalArgumentException if the citizen key is not the document owner's
     */
    public byte[] sealDocumentKey(DocumentKey documentKey, CitizenKey citizenKey) {
        Objects.requireNonNull(documentKey, "documentKey");
        requireSameOwner(documentKey.ref(), citizenKey);
        try {
            byte[] encrypted = TinkProtoKeysetFormat.serializeEncryptedKeyset(documentKey.keyset(),
                    citizenKey.aead(), AssociatedData.documentKey(documentKey.ref()), DOCUMENT_KEYS);
            byte[] sealed = new byte[1 + encrypted.length];
            sealed[0] = FORMAT_V1;
            System.arraycopy(encrypted, 0, sealed, 1, encrypted.length);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not seal a document key", e);
        }
    }

    /**
     * Opens a document key sealed by {@link #sealDocumentKey} for the same document, under its owner's citizen
     * key.
     *
     * @throws SealBrokenException      if it does not open (altered, another document or owner, another key)
     * @throws IllegalArgumentException if the citizen key is not the owner's of {@code ref}
     */
    public DocumentKey openDocumentKey(DocumentRef ref, byte[] sealedDocumentKey, CitizenKey citizenKey)
            throws SealBrokenException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(sealedDocumentKey, "sealedDocumentKey");
        requireSameOwner(ref, citizenKey);
        if (sealedDocumentKey.length < 2 || sealedDocumentKey[0] != FORMAT_V1) {
            throw new SealBrokenException("document key", "not a sealed document key of format 1");
        }
        try {
            KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(
                    Arrays.copyOfRange(sealedDocumentKey, 1, sealedDocumentKey.length), citizenKey.aead(),
                    AssociatedData.documentKey(ref), DOCUMENT_KEYS);
            return documentKey(ref, keyset);
        } catch (GeneralSecurityException e) {
            throw new SealBrokenException("document key", e);
        }
    }

    @Override
    public String toString() {
        String current;
        try {
            current = masterKeys.current().keyId();
        } catch (GeneralSecurityException unavailable) {
            current = "(unavailable)";
        }
        return "Keyring[masterKey=" + current + ", segmentSize="
                + documentKeyParameters.getCiphertextSegmentSizeBytes() + "]";
    }

    private byte[] sealCitizenKey(String owner, KeysetHandle keyset) throws GeneralSecurityException {
        KeyProvider masterKey = masterKeys.current();
        String keyId = requireKeyId(masterKey);
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        byte[] encrypted;
        try {
            encrypted = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, new MasterKeyAead(masterKey),
                    AssociatedData.citizenKey(owner, keyId), CITIZEN_KEYS);
        } catch (GeneralSecurityException e) {
            MasterKeyAead.ProviderFailure failure = providerFailure(e);
            throw failure != null ? failure.original() : e;
        }
        byte[] sealed = new byte[2 + id.length + encrypted.length];
        sealed[0] = FORMAT_V1;
        sealed[1] = (byte) id.length;
        System.arraycopy(id, 0, sealed, 2, id.length);
        System.arraycopy(encrypted, 0, sealed, 2 + id.length, encrypted.length);
        return sealed;
    }

    /** {@code 0x01 ‖ u8 length ‖ master key id (UTF-8) ‖ Tink encrypted keyset}; null if not of that form. */
    private static String readMasterKeyId(byte[] sealed) {
        if (sealed.length < 3 || sealed[0] != FORMAT_V1) {
            return null;
        }
        int length = sealed[1] & 0xff;
        if (length == 0 || sealed.length <= 2 + length) {
            return null;
        }
        return new String(sealed, 2, length, StandardCharsets.UTF_8);
    }

    private static DocumentKey documentKey(DocumentRef ref, KeysetHandle keyset) throws GeneralSecurityException {
        return new DocumentKey(ref, keyset, keyset.getPrimitive(DOCUMENT_KEYS, StreamingAead.class));
    }

    /** The owner's subject, as {@link DocumentRef} demands it: not blank, well-formed Unicode. */
    static String requireSubject(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("the owner's subject must not be blank");
        }
        return AssociatedData.requireWellFormed(owner, "the owner's subject");
    }

    private static void requireSameOwner(DocumentRef ref, CitizenKey citizenKey) {
        Objects.requireNonNull(citizenKey, "citizenKey");
        if (!citizenKey.owner().equals(ref.owner())) {
            throw new IllegalArgumentException("this citizen key is not the document owner's");
        }
    }

    private static String requireKeyId(KeyProvider provider) {
        String keyId = Objects.requireNonNull(provider.keyId(), "keyId");
        int length = AssociatedData.requireWellFormed(keyId, "the master key id").getBytes(StandardCharsets.UTF_8).length;
        if (keyId.isBlank() || length > 255) {
            throw new IllegalArgumentException("a master key id must be 1 to 255 bytes of UTF-8, not blank");
        }
        return keyId;
    }

    private static MasterKeyAead.ProviderFailure providerFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MasterKeyAead.ProviderFailure failure) {
                return failure;
            }
        }
        return null;
    }
}
