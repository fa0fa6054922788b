package fr.civis.vault.crypto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PKCS#11 token for tests: SoftHSM2, with its token directory in a fresh temporary folder. SoftHSM reads
 * {@code SOFTHSM2_CONF} once, when the JVM first loads it; the build sets that variable to a file under
 * {@code target/} that this class writes (pointing at the temporary token folder) before that first load.
 * Tests that need it are skipped, with a message, only when the SoftHSM2 library is not installed.
 */
public final class SoftHsm {

    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String LABEL = "civis-test";
    /** Test-only PINs of a throw-away token. */
    public static final String PIN = "test-user-pin";
    private static final String SO_PIN = "test-so-pin";
    public static final Duration RETRY = Duration.ofMillis(300);

    private static Pkcs11Token token;

    private SoftHsm() {
    }

    /** Skips the calling test unless SoftHSM2 is installed and the build pointed SOFTHSM2_CONF at our file. */
    public static void assumeInstalled() {
        assumeTrue(Files.isReadable(LIBRARY), "SoftHSM2 is not installed (" + LIBRARY
                + " missing; Debian: apt-get install softhsm2): the PKCS#11 tests are skipped");
        assumeTrue(System.getenv("SOFTHSM2_CONF") != null,
                "SOFTHSM2_CONF is not set (the Maven build sets it): the PKCS#11 tests are skipped");
    }

    /** The one token of this JVM, initialised at first use in a temporary folder, logged in. */
    public static synchronized Pkcs11Token token() throws IOException, InterruptedException,
            GeneralSecurityException {
        assumeInstalled();
        if (token == null) {
            Path config = Path.of(System.getenv("SOFTHSM2_CONF"));
            Path tokens = Files.createTempDirectory("civis-softhsm-");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tokens)));
            Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", LABEL,
                    "--so-pin", SO_PIN, "--pin", PIN).redirectErrorStream(true).start();
            String output = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (init.waitFor() != 0) {
                throw new IOException("softhsm2-util --init-token failed: " + output);
            }
            token = Pkcs11Token.open(configuration(), PIN.toCharArray(), RETRY);
        }
        return token;
    }

    public static String configuration() {
        return Pkcs11Token.configuration("civis-test", LIBRARY, null, 0);
    }

    /** Logs out of the token, as a lost session or a restarted HSM would. */
    public static void logout(Pkcs11Token token) throws GeneralSecurityException {
        token.logoutForTest();
    }

    /**
     * The token's own answers, through the PKCS#11 API itself (the JDK's internal wrapper, exported to the tests),
     * about the object labelled {@code label}: its attributes, and what C_GetAttributeValue(CKA_VALUE) says.
     */
    public record TokenAnswers(boolean sensitive, boolean extractable, boolean alwaysSensitive,
            boolean neverExtractable, long valueLength, String valueReadOut) {
    }

    public static TokenAnswers askToken(String label) throws ReflectiveOperationException {
        Class<?> pkcs11Class = Class.forName("sun.security.pkcs11.wrapper.PKCS11");
        Class<?> attributeClass = Class.forName("sun.security.pkcs11.wrapper.CK_ATTRIBUTE");
        Class<?> initArgs = Class.forName("sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS");
        Class<?> notify = Class.forName("sun.security.pkcs11.wrapper.CK_NOTIFY");
        Object p11 = pkcs11Class.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
                .invoke(null, LIBRARY.toString(), "C_GetFunctionList", null, true);
        long[] slots = (long[]) pkcs11Class.getMethod("C_GetSlotList", boolean.class).invoke(p11, true);
        long session = (long) pkcs11Class.getMethod("C_OpenSession", long.class, long.class, Object.class, notify)
                .invoke(p11, slots[0], 4L /* CKF_SERIAL_SESSION */, null, null);
        Constructor<?> withObject = attributeClass.getConstructor(long.class, Object.class);
        Constructor<?> typeOnly = attributeClass.getConstructor(long.class);
        Object attributes = java.lang.reflect.Array.newInstance(attributeClass, 1);
        java.lang.reflect.Array.set(attributes, 0, withObject.newInstance(3L /* CKA_LABEL */, label.toCharArray()));
        pkcs11Class.getMethod("C_FindObjectsInit", long.class, attributes.getClass()).invoke(p11, session, attributes);
        long[] found = (long[]) pkcs11Class.getMethod("C_FindObjects", long.class, long.class).invoke(p11, session, 2L);
        pkcs11Class.getMethod("C_FindObjectsFinal", long.class).invoke(p11, session);
        if (found.length != 1) {
            throw new IllegalStateException(found.length + " objects labelled " + label);
        }
        Method getAttributes = pkcs11Class.getMethod("C_GetAttributeValue", long.class, long.class,
                attributes.getClass());
        long[] types = {0x103 /* CKA_SENSITIVE */, 0x162 /* CKA_EXTRACTABLE */, 0x165 /* CKA_ALWAYS_SENSITIVE */,
                0x164 /* CKA_NEVER_EXTRACTABLE */, 0x161 /* CKA_VALUE_LEN */};
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Object one = java.lang.reflect.Array.newInstance(attributeClass, 1);
            java.lang.reflect.Array.set(one, 0, typeOnly.newInstance(types[i]));
            getAttributes.invoke(p11, session, found[0], one);
            Object attribute = java.lang.reflect.Array.get(one, 0);
            values[i] = i < 4 ? attributeClass.getMethod("getBoolean").invoke(attribute)
                    : attributeClass.getMethod("getLong").invoke(attribute);
        }
        String readOut;
        Object value = java.lang.reflect.Array.newInstance(attributeClass, 1);
        java.lang.reflect.Array.set(value, 0, typeOnly.newInstance(0x11L /* CKA_VALUE */));
        try {
            getAttributes.invoke(p11, session, found[0], value);
            Object bytes = attributeClass.getMethod("getByteArray").invoke(java.lang.reflect.Array.get(value, 0));
            readOut = bytes == null ? "no value" : "READ " + ((byte[]) bytes).length + " BYTES";
        } catch (java.lang.reflect.InvocationTargetException refused) {
            readOut = refused.getCause().getMessage(); // e.g. CKR_ATTRIBUTE_SENSITIVE
        } finally {
            pkcs11Class.getMethod("C_CloseSession", long.class).invoke(p11, session);
        }
        return new TokenAnswers((boolean) values[0], (boolean) values[1], (boolean) values[2], (boolean) values[3],
                (long) values[4], readOut);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // Best effort, in a temporary folder.
        }
    }
}
