package fr.civis.vault.release;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import fr.civis.vault.crypto.Digests;

/**
 * The opaque handle of a pushed request: {@code urn:civis:release-request:} and 32 random bytes (256 bits) in
 * base64url. Only its SHA-256 is stored.
 */
final class Handles {

    static final String PREFIX = "urn:civis:release-request:";
    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handles() {
    }

    static String newHandle() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static boolean wellFormed(String handle) {
        return handle != null && FORMAT.matcher(handle).matches();
    }

    static byte[] hash(String handle) {
        return Digests.sha256().digest(handle.getBytes(StandardCharsets.US_ASCII));
    }
}
