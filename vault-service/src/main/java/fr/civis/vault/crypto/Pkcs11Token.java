package fr.civis.vault.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * A PKCS#11 token (an HSM, or SoftHSM2 in tests) reached through the JDK's SunPKCS11 provider, whose AES keys are
 * master keys: {@link #key(String)} gives a {@link KeyProvider} whose wrap and unwrap run inside the token; the key
 * never enters this process ({@link SecretKey#getEncoded()} is {@code null}), and a key that could leave the token
 * is refused.
 *
 * <p><b>Outages.</b> When the token stops answering (device unreachable, session or login lost, token removed), the
 * operation fails with a {@link KeyProviderUnavailableException}, nothing else happens, and the token is marked
 * down. The next operation after {@code retryInterval} logs in again and looks its keys up afresh (PKCS#11 object
 * handles do not survive a lost login); once the token answers, service resumes without a restart.
 *
 * <p>The PIN is kept in memory, for those new logins only; it appears in no message.
 */
public final class Pkcs11Token {

    /** SunPKCS11 addresses a token by slot; a label is a PKCS#11 CKA_LABEL, which SunPKCS11 uses as the alias. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /**
     * Keys generated through this provider (our {@link #generateKey}, or {@code keytool -genseckey} with the same
     * configuration) are born sensitive and non-extractable: their value can never be read out of the token.
     */
    static final String GENERATE_ATTRIBUTES = """
            attributes(generate, CKO_SECRET_KEY, CKK_AES) = {
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
              CKA_ENCRYPT = true
              CKA_DECRYPT = true
            }
            """;

    private final Provider provider;
    private final String description;
    private final char[] pin;
    private final long retryNanos;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}; replaced at every login. */
    private KeyStore keyStore;
    /** Counts logins: a key resolved under an older one must be looked up again. */
    private volatile long generation;
    private volatile boolean down;
    private volatile long nextAttempt;
    /** The token refused the PIN: never try it again (a PIN tried in a loop would lock the token). */
    private volatile boolean pinRefused;

    private Pkcs11Token(Provider provider, String description, char[] pin, Duration retryInterval) {
        this.provider = provider;
        this.description = description;
        this.pin = pin.clone();
        this.retryNanos = retryInterval.toNanos();
    }

    /**
     * A SunPKCS11 configuration for {@code library} and one slot, given either by its id ({@code slot}) or by its
     * index in the library's slot list ({@code slotListIndex}); SunPKCS11 cannot select a token by its label.
     */
    public static String configuration(String name, Path library, Long slot, Integer slotListIndex) {
        Objects.requireNonNull(library, "library");
        if ((slot == null) == (slotListIndex == null)) {
            throw new IllegalArgumentException("give the token's slot id or its slot list index (one of them)");
        }
        return "--name=" + name + "\nlibrary=" + library.toAbsolutePath() + "\n"
                + (slot != null ? "slot=" + slot : "slotListIndex=" + slotListIndex) + "\n" + GENERATE_ATTRIBUTES;
    }

    /**
     * Loads the PKCS#11 library described by {@code configuration} (a SunPKCS11 configuration: a file path, or its
     * text after {@code --}) and logs in to its token with {@code pin}.
     *
     * @throws KeyProviderUnavailableException if the library, the token or the login fails: the message says which
     */
    public static Pkcs11Token open(String configuration, char[] pin, Duration retryInterval)
            throws KeyProviderUnavailableException {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(pin, "pin");
        Objects.requireNonNull(retryInterval, "retryInterval");
        String description = describe(configuration);
        Provider provider;
        try {
            Provider sunPkcs11 = Security.getProvider("SunPKCS11");
            if (sunPkcs11 == null) {
                throw new ProviderException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
            }
            provider = sunPkcs11.configure(configuration);
        } catch (InvalidParameterException | ProviderException e) {
            throw new KeyProviderUnavailableException(description + " could not be loaded: " + reason(e), e);
        }
        Pkcs11Token token = new Pkcs11Token(provider, description, pin, retryInterval);
        synchronized (token.lock) {
            token.login();
        }
        return token;
    }

    /**
     * The AES-256 key labelled {@code label} on this token, as a master key whose {@linkplain KeyProvider#keyId()
     * id} is the label. Checked now (present, AES, non-extractable, a wrap/unwrap self-test inside the token).
     *
     * @throws KeyStoreException               if the token has no such key, or one that is not fit to be a master key
     * @throws KeyProviderUnavailableException if the token does not answer
     */
    public KeyProvider key(String label) throws GeneralSecurityException {
        requireLabel(label);
        TokenKey key = new TokenKey(label);
        key.resolved();
        return key;
    }

    /** Whether the token holds a key labelled {@code label}. */
    public boolean contains(String label) throws GeneralSecurityException {
        requireLabel(label);
        synchronized (lock) {
            ensureUp();
            try {
                return keyStore.isKeyEntry(label) || reloadView() && keyStore.isKeyEntry(label);
            } catch (KeyStoreException | ProviderException e) {
                throw markDown(e);
            }
        }
    }

    /**
     * Generates a new AES-256 key inside the token, sensitive and non-extractable, stored on the token under
     * {@code label}. The key's value never exists outside the token. Refuses a label already in use.
     */
    public void generateKey(String label) throws GeneralSecurityException {
        requireLabel(label);
        synchronized (lock) {
            ensureUp();
            if (keyStore.containsAlias(label)) {
                throw new KeyStoreException(description + " already holds a key '" + label + "'");
            }
            KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
            generator.init(256);
            SecretKey key = generator.generateKey();
            if (readable(key)) {
                throw new KeyStoreException(description + " made an extractable key: its configuration must carry "
                        + "the attributes(generate, CKO_SECRET_KEY, CKK_AES) line of Pkcs11Token.GENERATE_ATTRIBUTES");
            }
            // Copies the session key into a token object labelled `label` (C_CopyObject): it stays inside.
            keyStore.setEntry(label, new KeyStore.SecretKeyEntry(key), null);
        }
    }

    @Override
    public String toString() {
        return "Pkcs11Token[" + description + (down ? ", down" : "") + "]";
    }

    /** The SunPKCS11 instance, for tests that act on the session (log out, to see the token go away). */
    Provider provider() {
        return provider;
    }

    /** Logs out of the token, as a lost session or a restarted HSM would: keys stop working until the next login. */
    void logoutForTest() throws GeneralSecurityException {
        try {
            ((AuthProvider) provider).logout();
        } catch (javax.security.auth.login.LoginException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** Caller holds {@link #lock}. */
    private void login() throws KeyProviderUnavailableException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin.clone());
            keyStore = store;
            generation++;
            down = false;
        } catch (Exception e) { // IOException (wrong PIN, token absent), GeneralSecurityException, ProviderException
            String why = reason(e);
            pinRefused = why.contains("CKR_PIN_INCORRECT") || why.contains("CKR_PIN_LOCKED")
                    || why.contains("CKR_PIN_EXPIRED");
            down = true;
            nextAttempt = System.nanoTime() + retryNanos;
            throw new KeyProviderUnavailableException(description + " refused the login or did not answer: "
                    + reason(e), e);
        }
    }

    /**
     * Caller holds {@link #lock}. SunPKCS11's key store lists the token's objects when it is loaded: a key made
     * since (by the HSM's own tools, or another instance) is seen only by a fresh load. Same login, same handles.
     */
    private boolean reloadView() throws KeyStoreException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin.clone());
            keyStore = store;
            return true;
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new KeyStoreException(description + " could not list its keys: " + reason(e), e);
        }
    }

    /** Caller holds {@link #lock}: logs in again if the token was marked down and the retry interval has passed. */
    private void ensureUp() throws KeyProviderUnavailableException {
        if (!down) {
            return;
        }
        if (pinRefused) {
            throw new KeyProviderUnavailableException(description + " refused the PIN: fix it and restart the "
                    + "service (no new attempt is made, lest the token lock the PIN)", null);
        }
        if (System.nanoTime() - nextAttempt < 0) {
            throw new KeyProviderUnavailableException(description + " is unreachable; next attempt in under "
                    + Duration.ofNanos(retryNanos).toMillis() + " ms", null);
        }
        login();
    }

    private KeyProviderUnavailableException markDown(Exception cause) {
        synchronized (lock) {
            down = true;
            nextAttempt = System.nanoTime() + retryNanos;
        }
        return new KeyProviderUnavailableException(description + " stopped answering: " + reason(cause), cause);
    }

    /**
     * Whether the key's value could be read out of the token: SunPKCS11 gives it ({@code getEncoded}), or the token
     * says it is not sensitive or extractable. SunPKCS11 has no public accessor for those two attributes; its key
     * description states them ("sensitive, unextractable"), read here. A key imported into the token (made outside
     * it, e.g. by {@code keytool -genseckey}, which generates in software) is typically "not sensitive": refused.
     */
    static boolean readable(Key key) {
        byte[] encoded = key.getEncoded();
        if (encoded != null) {
            Arrays.fill(encoded, (byte) 0);
            return true;
        }
        String description = key.toString();
        return description.contains("not sensitive") || !description.contains("unextractable")
                || !description.contains("sensitive");
    }

    private static void requireLabel(String label) {
        Objects.requireNonNull(label, "label");
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("a token key label must match " + LABEL.pattern() + ": " + label);
        }
    }

    private static String describe(String configuration) {
        if (!configuration.startsWith("--")) {
            return "the PKCS#11 token configured in " + configuration;
        }
        String library = configuration.lines().filter(line -> line.strip().startsWith("library"))
                .map(line -> line.substring(line.indexOf('=') + 1).strip()).findFirst().orElse("?");
        String slot = configuration.lines().filter(line -> line.strip().startsWith("slot"))
                .map(String::strip).findFirst().orElse("first slot");
        return "the PKCS#11 token (" + library + ", " + slot + ")" + (Files.exists(Path.of(library)) ? ""
                : " [library not found]");
    }

    /** The failure's chain of messages, which PKCS#11 codes (CKR_…) make useful; never holds the PIN. */
    private static String reason(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 400; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" / ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** One key of the token; looked up again after every new login. */
    private final class TokenKey implements KeyProvider {

        private final String label;
        private volatile Resolved resolved;

        private record Resolved(long generation, KeyStoreKeyProvider key) {
        }

        @FunctionalInterface
        private interface Operation {
            byte[] apply(KeyStoreKeyProvider key) throws GeneralSecurityException;
        }

        TokenKey(String label) {
            this.label = label;
        }

        @Override
        public String keyId() {
            return label;
        }

        @Override
        public byte[] wrap(byte[] plaintextKey, byte[] associatedData) throws GeneralSecurityException {
            return call(key -> key.wrap(plaintextKey, associatedData));
        }

        @Override
        public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
            return call(key -> key.unwrap(wrapped, associatedData));
        }

        @Override
        public String toString() {
            return "Pkcs11Token.Key[" + label + "]";
        }

        private byte[] call(Operation operation) throws GeneralSecurityException {
            KeyStoreKeyProvider key = resolved();
            try {
                return operation.apply(key);
            } catch (AEADBadTagException brokenSeal) {
                throw brokenSeal;
            } catch (GeneralSecurityException | ProviderException outage) {
                // CKR_OBJECT_HANDLE_INVALID, CKR_USER_NOT_LOGGED_IN, CKR_DEVICE_REMOVED, CKR_SESSION_HANDLE_INVALID…
                throw markDown(outage);
            }
        }

        KeyStoreKeyProvider resolved() throws GeneralSecurityException {
            Resolved current = resolved;
            if (current != null && current.generation == generation && !down) {
                return current.key;
            }
            synchronized (lock) {
                ensureUp();
                current = resolved;
                if (current != null && current.generation == generation) {
                    return current.key;
                }
                KeyStoreKeyProvider key;
                try {
                    if (!keyStore.isKeyEntry(label) && !(reloadView() && keyStore.isKeyEntry(label))) {
                        throw new KeyStoreException(description + " has no key '" + label + "'");
                    }
                    Key found = keyStore.getKey(label, null);
                    if (found != null && readable(found)) {
                        throw new KeyStoreException("the key '" + label + "' can be read out of " + description
                                + " (not sensitive, or extractable): a master key must never leave it; generate "
                                + "one inside the token, non-extractable");
                    }
                    key = KeyStoreKeyProvider.fromKeyStore(keyStore, label, null);
                } catch (KeyStoreException refused) {
                    throw refused;
                } catch (GeneralSecurityException | ProviderException outage) {
                    throw markDown(outage);
                }
                resolved = new Resolved(generation, key);
                return key;
            }
        }
    }
}
