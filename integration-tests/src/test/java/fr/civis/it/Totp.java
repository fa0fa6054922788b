package fr.civis.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A citizen's authenticator app: RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s, Keycloak's default OTP policy) from the
 * secret Keycloak showed at enrolment. Keycloak accepts each code once, so this app never hands out a time step twice:
 * when the current one is used up, it gives the next one, which Keycloak's look-ahead window of one step accepts.
 */
final class Totp {

    private static final long PERIOD_SECONDS = 30;

    private final byte[] secret;
    private final Clock clock;
    private long lastStep = -1;

    /** {@code secret} as Keycloak keeps it: the key is its UTF-8 bytes (the QR code shows their base32). */
    Totp(String secret) {
        this(secret, Clock.systemUTC());
    }

    Totp(String secret, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    synchronized String nextCode() {
        long now = clock.instant().getEpochSecond() / PERIOD_SECONDS;
        long step = Math.max(now, lastStep + 1);
        if (step > now + 1) {
            throw new IllegalStateException("Two codes already used in this period; Keycloak would refuse a third");
        }
        lastStep = step;
        return code(step);
    }

    String code(long step) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] hash = hmac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
