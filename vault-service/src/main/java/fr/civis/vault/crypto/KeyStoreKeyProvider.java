package fr.civis.vault.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A master key held in a Java {@link KeyStore}: a PKCS#12 file for development ({@link #openOrCreate}), or any
 * loaded key store, such as a PKCS#11 HSM through SunPKCS11, for production ({@link #fromKeyStore}).
 *
 * <p>Wrapping is AES-256-GCM through JCA ({@code AES/GCM/NoPadding}, fresh random 96-bit IV per call, 128-bit tag,
 * associated data passed through). A wrapped key is {@code 0x01 ‖ IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes)}.
 * With a PKCS#11 key store the cipher runs inside the HSM and the key never enters this process.
 */
public final class KeyStoreKeyProvider implements KeyProvider {

    private static final byte FORMAT_V1 = 0x01;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** PKCS#12 stores aliases in lower case: allow only names that survive that unchanged. */
    private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> OWNER_RW =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keyId;
    private final Key key;
    /** The key store's provider when it has the cipher (PKCS#11), else null for the default JCA choice. */
    private final Provider cipherProvider;

    private KeyStoreKeyProvider(String keyId, Key key, Provider cipherProvider) {
        this.keyId = keyId;
        this.key = key;
        this.cipherProvider = cipherProvider;
    }

    /**
     * Opens the PKCS#12 key store at {@code file} and its AES-256 entry {@code alias}; if the file does not exist,
     * creates it first with a fresh random key. The file is created owner-only ({@code rw-------}, in a directory
     * created {@code rwx------} if missing) under a temporary name, then linked into place, so it is never readable
     * by others nor seen half-written, and two processes starting together end up with the same key.
     *
     * <p>An existing file that the group or others may access is refused, as is one without {@code alias}
     * (a typo must not silently start a new master key; add rotated keys with {@code keytool -genseckey}).
     *
     * @param passphrase protects the file and the entry; not kept (the caller may wipe it afterwards)
     * @param alias      the entry's alias, also the {@linkplain #keyId() key id}: {@code [a-z0-9][a-z0-9._-]{0,63}}
     * @throws UnrecoverableKeyException if the passphrase is wrong (or the file damaged)
     */
    public static KeyStoreKeyProvider openOrCreate(Path file, char[] passphrase, String alias)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(passphrase, "passphrase");
        requireAlias(alias);
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the master keystore passphrase must not be empty");
        }
        Path path = file.toAbsolutePath();
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new IOException("the master keystore needs a POSIX file system for owner-only permissions: " + path);
        }
        if (Files.notExists(path)) {
            try {
                create(path, passphrase, alias);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it meanwhile: open theirs.
            }
        }
        return open(path, passphrase, alias);
    }

    /**
     * Uses the secret key {@code alias} of an already loaded key store of any type. For an HSM:
     * <pre>{@code
     * Provider p11 = Security.getProvider("SunPKCS11").configure("/etc/civis/pkcs11.cfg");
     * KeyStore hsm = KeyStore.getInstance("PKCS11", p11);
     * hsm.load(null, pin);
     * KeyProvider master = KeyStoreKeyProvider.fromKeyStore(hsm, "civis-master-1", null);
     * }</pre>
     * The key must be an AES key allowed to encrypt and decrypt; a wrap/unwrap self-test runs here so that a
     * misconfigured key fails at startup.
     *
     * @param keyPassword the entry's password, or {@code null} where the key store has none (PKCS#11: the PIN
     *                    given to {@code load} unlocks the token)
     */
    public static KeyStoreKeyProvider fromKeyStore(KeyStore keyStore, String alias, char[] keyPassword)
            throws GeneralSecurityException {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(alias, "alias");
        if (alias.isBlank()) {
            throw new IllegalArgumentException("the master key alias must not be blank");
        }
        Key key = keyStore.getKey(alias, keyPassword);
        if (key == null) {
            throw new KeyStoreException("the " + keyStore.getType() + " key store has no key '" + alias + "'");
        }
        if (!(key instanceof SecretKey) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw new KeyStoreException("the key '" + alias + "' is not an AES secret key");
        }
        byte[] encoded = key.getEncoded(); // null for keys that cannot leave an HSM
        if (encoded != null) {
            int length = encoded.length;
            Arrays.fill(encoded, (byte) 0);
            if (length != 32) {
                throw new KeyStoreException("the key '" + alias + "' is AES-" + length * 8 + ", AES-256 is required");
            }
        }
        Provider cipherProvider = null;
        try {
            Cipher.getInstance(TRANSFORMATION, keyStore.getProvider());
            cipherProvider = keyStore.getProvider();
        } catch (NoSuchAlgorithmException | javax.crypto.NoSuchPaddingException notThere) {
            // e.g. the PKCS#12 store's provider has no ciphers: JCA picks one.
        }
        KeyStoreKeyProvider provider = new KeyStoreKeyProvider(alias, key, cipherProvider);
        provider.selfTest();
        return provider;
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public byte[] wrap(byte[] plaintextKey, byte[] associatedData) throws GeneralSecurityException {
        Objects.requireNonNull(plaintextKey, "plaintextKey");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        Cipher cipher = cipher();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(associatedData);
        byte[] out = new byte[1 + IV_BYTES + cipher.getOutputSize(plaintextKey.length)];
        out[0] = FORMAT_V1;
        System.arraycopy(iv, 0, out, 1, IV_BYTES);
        int written = cipher.doFinal(plaintextKey, 0, plaintextKey.length, out, 1 + IV_BYTES);
        return written == out.length - 1 - IV_BYTES ? out : Arrays.copyOf(out, 1 + IV_BYTES + written);
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(associatedData, "associatedData");
        if (wrapped.length < 1 + IV_BYTES + TAG_BITS / 8 || wrapped[0] != FORMAT_V1) {
            throw new AEADBadTagException("not a wrapped key of format 1");
        }
        Cipher cipher = cipher();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 1, IV_BYTES));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.length - 1 - IV_BYTES);
    }

    @Override
    public String toString() {
        return "KeyStoreKeyProvider[keyId=" + keyId + "]";
    }

    private Cipher cipher() throws GeneralSecurityException {
        return cipherProvider == null ? Cipher.getInstance(TRANSFORMATION)
                : Cipher.getInstance(TRANSFORMATION, cipherProvider);
    }

    private void selfTest() throws GeneralSecurityException {
        byte[] probe = new byte[32];
        byte[] ad = "civis:v1:master-key-self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!Arrays.equals(probe, unwrap(wrap(probe, ad), ad))) {
            throw new GeneralSecurityException("the master key '" + keyId + "' failed its wrap/unwrap self-test");
        }
    }

    private static void requireAlias(String alias) {
        Objects.requireNonNull(alias, "alias");
        if (!ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("the master key alias must match " + ALIAS.pattern() + ": " + alias);
        }
    }

    /**
     * Adds a fresh random AES-256 key {@code alias} to the existing PKCS#12 key store at {@code file} (for a master
     * key rotation in development; {@code keytool -genseckey} does the same), keeping its other keys, and returns
     * it. The new file is written owner-only beside the old one, synced, then renamed over it in one step, under a
     * lock against a concurrent addition: the key store is never seen half-written nor loses a key.
     *
     * @throws KeyStoreException if the key store already has {@code alias}
     */
    public static KeyStoreKeyProvider addKey(Path file, char[] passphrase, String alias)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(passphrase, "passphrase");
        requireAlias(alias);
        Path path = file.toAbsolutePath();
        Path dir = path.getParent();
        try (FileChannel lockFile = FileChannel.open(dir.resolve("." + path.getFileName() + ".lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_RW));
             java.nio.channels.FileLock ignored = lockFile.lock()) {
            KeyStore keyStore = load(path, passphrase);
            if (keyStore.containsAlias(alias)) {
                throw new KeyStoreException("the master keystore " + path + " already has a key '" + alias + "'");
            }
            keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(newMasterKey()),
                    new KeyStore.PasswordProtection(passphrase));
            storeDurably(keyStore, passphrase, path, (temp, target) -> Files.move(temp, target,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        }
        return open(path, passphrase, alias);
    }

    /**
     * Opens the key {@code alias} of the existing PKCS#12 key store at {@code file}, with the same checks as
     * {@link #openOrCreate} but never creating anything (a rotation's key must already be there).
     */
    public static KeyStoreKeyProvider open(Path file, char[] passphrase, String alias)
            throws IOException, GeneralSecurityException {
        requireAlias(alias);
        Path path = file.toAbsolutePath();
        KeyStore keyStore = load(path, passphrase);
        if (!keyStore.isKeyEntry(alias)) {
            throw new KeyStoreException("the master keystore " + path + " has no key '" + alias
                    + "'; its entries: " + java.util.Collections.list(keyStore.aliases()));
        }
        return fromKeyStore(keyStore, alias, passphrase);
    }

    private static KeyStore load(Path path, char[] passphrase) throws IOException, GeneralSecurityException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        if (!OWNER_RW.containsAll(permissions)) {
            throw new IOException("the master keystore " + path + " is " + PosixFilePermissions.toString(permissions)
                    + ": it must be accessible to its owner only (chmod 600)");
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            keyStore.load(in, passphrase);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new UnrecoverableKeyException(
                        "the master keystore " + path + " did not open: wrong passphrase (or damaged file)");
            }
            throw new IOException("the master keystore " + path + " could not be read (damaged, or not PKCS#12)", e);
        }
        return keyStore;
    }

    private static void create(Path path, char[] passphrase, String alias)
            throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(passphrase);
        try {
            keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(newMasterKey()), protection);
        } finally {
            try {
                protection.destroy(); // wipes its copy of the passphrase
            } catch (javax.security.auth.DestroyFailedException ignored) {
                // Best effort.
            }
        }

        Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(OWNER_RWX));
        storeDurably(keyStore, passphrase, path, (temp, target) -> {
            try {
                Files.createLink(target, temp); // atomic, and fails rather than replace an existing key store
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                Files.move(temp, target); // no REPLACE_EXISTING: never overwrites a key store
            }
        });
    }

    /** A new AES-256 master key. */
    private static SecretKey newMasterKey() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256, RANDOM);
        return generator.generateKey();
    }

    /** How the written temporary file takes the key store's place. */
    private interface Publication {
        void publish(Path temp, Path target) throws IOException;
    }

    /**
     * Writes the key store to a temporary file beside {@code path}, synced, then lets {@code publication} put it in
     * place and syncs the folder: a crash leaves the old key store or the new one, never half of one.
     */
    private static void storeDurably(KeyStore keyStore, char[] passphrase, Path path, Publication publication)
            throws IOException, GeneralSecurityException {
        Path dir = path.getParent();
        // Created rw------- from the first instant (umask can only remove bits), never world-readable.
        Path temp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_RW));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                keyStore.store(out, passphrase);
                out.flush();
                channel.force(true);
            }
            publication.publish(temp, path);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupported) {
            // Best effort: the rename is durable on the next directory sync.
        }
    }
}
