package fr.civis.it;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 time-based codes (HMAC-SHA1, 6 digits, 30 s), computed the way an authenticator app does. */
final class Totp {

    private final byte[] key;
    private final Set<Long> usedWindows = new HashSet<>();

    /** {@code secret} as Keycloak shows it in manual mode: base32, in groups separated by spaces. */
    Totp(String secret) {
        this(base32(secret.replace(" ", "").toUpperCase(Locale.ROOT)));
    }

    private Totp(byte[] key) {
        this.key = key;
    }

    /**
     * From the enrolment page's hidden {@code totpSecret} field: Keycloak keys the HMAC with that text's UTF-8 bytes
     * (the QR code and the manual mode show their base32).
     */
    static Totp fromFormSecret(String totpSecret) {
        return new Totp(totpSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** The code of the 30-second window that contains {@code at}. */
    String codeAt(Instant at) {
        return codeOf(at.getEpochSecond() / 30);
    }

    /**
     * A code this object never gave out from {@link #freshCode()}: the current window's, else the next one's (the realm
     * accepts one window either side and refuses a code twice). Never the previous window's: its code may expire between
     * this call and the server's check when the window turns meanwhile, which made a login fail at random.
     */
    String freshCode() {
        while (true) {
            long now = Instant.now().getEpochSecond() / 30;
            for (long window = now; window <= now + 1; window++) {
                if (usedWindows.add(window)) {
                    return codeOf(window);
                }
            }
            sleepUntilWindow(now + 1);
        }
    }

    private static void sleepUntilWindow(long window) {
        try {
            Thread.sleep(Math.max(1, window * 30_000 - System.currentTimeMillis() + 50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String codeOf(long window) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(window).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace("=", "").toCharArray()) {
            int value = alphabet.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
