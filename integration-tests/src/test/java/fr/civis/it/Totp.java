package fr.civis.it;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based codes (HMAC-SHA1, 6 digits, 30 s, the realm's OTP policy), computed the way an authenticator
 * app does.
 */
final class Totp {

    private static final long PERIOD_SECONDS = 30;

    private final byte[] key;
    private long lastStep = -1;

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
        return code(at.getEpochSecond() / PERIOD_SECONDS);
    }

    /**
     * A code Keycloak has not seen yet: the realm accepts each code once, so when the current window's code is used
     * up, this gives the next window's, which the look-ahead window of one period accepts.
     */
    synchronized String nextCode() {
        long now = Instant.now().getEpochSecond() / PERIOD_SECONDS;
        long step = Math.max(now, lastStep + 1);
        if (step > now + 1) {
            throw new IllegalStateException("Two codes already used in this period; Keycloak would refuse a third");
        }
        lastStep = step;
        return code(step);
    }

    private String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
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
