package fr.civis.keycloak.otp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Six-digit one-time codes: drawn from {@link SecureRandom}, kept only as a salted SHA-256 in the authentication
 * session, valid for a limited time, dead after {@value #MAX_TRIES} wrong tries, accepted once, compared in constant
 * time. Each code is bound to a step (one authenticator execution or one required action) and to whatever else the
 * caller puts in the binding (realm, user, browser tab, phone number): the same digits checked under another
 * binding never match.
 */
final class OneTimeCodes {

    static final int MAX_TRIES = 5;
    /** Codes sent for one step of one login: enough for honest mistakes, too few to pump messages. */
    static final int MAX_SENDS = 5;
    private static final String NOTE_PREFIX = "civis-otp.";

    private final SecureRandom random;
    private final Clock clock;
    private final CodeSettings settings;

    OneTimeCodes(SecureRandom random, Clock clock, CodeSettings settings) {
        this.random = random;
        this.clock = clock;
        this.settings = settings;
    }

    CodeSettings settings() {
        return settings;
    }

    sealed interface Issue {
        /** The code to send; the session keeps only its hash. */
        record Issued(String code) implements Issue {
        }

        record TooSoon(long seconds) implements Issue {
        }

        record TooMany() implements Issue {
        }
    }

    enum Check {
        ACCEPTED,
        /** Wrong, tries remain. */
        WRONG,
        /** No tries left: this attempt used the last one, or the code was already dead. */
        DEAD,
        EXPIRED,
        /** No code was ever sent for this step. */
        NONE
    }

    /** Whether a code for this step can still be typed (sent, not expired, tries left). */
    boolean hasLiveCode(Notes notes, String step) {
        Pending pending = Pending.decode(notes.get(NOTE_PREFIX + step));
        return pending != null && pending.triesLeft() > 0 && clock.millis() < pending.expiresAt();
    }

    /** A new code for this step, replacing any previous one, unless the last was sent too recently or too often. */
    Issue issue(Notes notes, String step, String binding) {
        Pending previous = Pending.decode(notes.get(NOTE_PREFIX + step));
        long now = clock.millis();
        int sends = 0;
        if (previous != null) {
            long wait = previous.sentAt() + settings.resendDelay().toMillis() - now;
            if (wait > 0) {
                return new Issue.TooSoon((wait + 999) / 1000);
            }
            if (previous.sends() >= MAX_SENDS) {
                return new Issue.TooMany();
            }
            sends = previous.sends();
        }
        String code = String.format("%06d", random.nextInt(1_000_000));
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        notes.set(NOTE_PREFIX + step, new Pending(salt, hash(salt, step, binding, code),
                now + settings.lifetime().toMillis(), MAX_TRIES, now, sends + 1).encode());
        return new Issue.Issued(code);
    }

    Check verify(Notes notes, String step, String binding, String candidate) {
        Pending pending = Pending.decode(notes.get(NOTE_PREFIX + step));
        if (pending == null) {
            return Check.NONE;
        }
        if (pending.triesLeft() <= 0) {
            return Check.DEAD;
        }
        if (clock.millis() >= pending.expiresAt()) {
            notes.set(NOTE_PREFIX + step, pending.withTriesLeft(0).encode());
            return Check.EXPIRED;
        }
        String typed = candidate == null ? "" : candidate.replaceAll("\\s", "");
        // The hash is computed even for input that cannot be a code, so that timing says nothing either way.
        boolean same = MessageDigest.isEqual(hash(pending.salt(), step, binding, typed), pending.hash())
                && typed.matches("[0-9]{6}");
        if (same) {
            // Accepted once: nothing of it is left to replay.
            notes.remove(NOTE_PREFIX + step);
            return Check.ACCEPTED;
        }
        int left = pending.triesLeft() - 1;
        notes.set(NOTE_PREFIX + step, pending.withTriesLeft(left).encode());
        return left == 0 ? Check.DEAD : Check.WRONG;
    }

    /** Forgets the step's code and its counters (when the person starts over, e.g. with another phone number). */
    void forget(Notes notes, String step) {
        notes.remove(NOTE_PREFIX + step);
    }

    private static byte[] hash(byte[] salt, String step, String binding, String code) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            sha256.update(step.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(binding.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return sha256.digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** The note: salt, hash, expiry, tries left, when the last code was sent, how many were sent. */
    private record Pending(byte[] salt, byte[] hash, long expiresAt, int triesLeft, long sentAt, int sends) {

        Pending withTriesLeft(int left) {
            return new Pending(salt, hash, expiresAt, left, sentAt, sends);
        }

        String encode() {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return b64.encodeToString(salt) + "." + b64.encodeToString(hash) + "." + expiresAt + "." + triesLeft
                    + "." + sentAt + "." + sends;
        }

        static Pending decode(String note) {
            if (note == null) {
                return null;
            }
            String[] parts = note.split("\\.");
            if (parts.length != 6) {
                return null;
            }
            Base64.Decoder b64 = Base64.getUrlDecoder();
            return new Pending(b64.decode(parts[0]), b64.decode(parts[1]), Long.parseLong(parts[2]),
                    Integer.parseInt(parts[3]), Long.parseLong(parts[4]), Integer.parseInt(parts[5]));
        }
    }
}
