package fr.civis.consent.journal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The canonical encoding of a journal entry and its hash. One byte sequence per entry, whatever stored it or
 * however the database returns it:
 * <pre>
 * "civis-journal/1" ‖ seq (8 bytes, big-endian) ‖ recorded_at (microseconds since the epoch, 8 bytes)
 *   ‖ kind ‖ actor ‖ subject ‖ recipient ‖ consent_id ‖ document_id ‖ purpose ‖ reason ‖ digest ‖ prev_hash (32 bytes)
 * </pre>
 * where each text field is {@code 0x00} when absent, else {@code 0x01 ‖ length (4 bytes) ‖ UTF-8 bytes}, and a
 * UUID is its canonical lower-case text. Fields are length-prefixed, so no two different entries share an encoding.
 * An entry that carries a security event's fields (Keycloak's events, V5) is encoded under its own domain,
 * {@code "civis-journal/2"}, with {@code event_id ‖ client_id ‖ outcome ‖ details} after {@code digest}; every other
 * entry keeps the first encoding, so that no hash written before those fields existed changes.
 * The entry's hash is SHA-256 of this encoding; it chains because the encoding includes the previous hash.
 */
public final class Canonical {

    public static final int HASH_BYTES = 32;
    /** The previous hash of the first entry. */
    public static final byte[] GENESIS = new byte[HASH_BYTES];

    private static final byte[] DOMAIN = "civis-journal/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECURITY_DOMAIN = "civis-journal/2".getBytes(StandardCharsets.US_ASCII);

    private Canonical() {
    }

    /** Timestamps are kept to the microsecond, as PostgreSQL stores them. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static byte[] encode(long seq, Instant recordedAt, JournalEntry.Event event, byte[] prevHash) {
        if (prevHash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a previous hash has 32 bytes");
        }
        Instant at = truncate(recordedAt);
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        boolean security = event.hasSecurityFields();
        out.writeBytes(security ? SECURITY_DOMAIN : DOMAIN);
        out.writeBytes(ByteBuffer.allocate(16).putLong(seq).putLong(micros).array());
        text(out, event.kind());
        text(out, event.actor());
        text(out, event.subject());
        text(out, event.recipient());
        text(out, uuid(event.consentId()));
        text(out, uuid(event.documentId()));
        text(out, event.purpose());
        text(out, event.reason());
        text(out, event.digest());
        if (security) {
            text(out, event.eventId());
            text(out, event.clientId());
            text(out, event.outcome());
            text(out, event.details());
        }
        out.writeBytes(prevHash);
        return out.toByteArray();
    }

    public static byte[] hash(long seq, Instant recordedAt, JournalEntry.Event event, byte[] prevHash) {
        return sha256().digest(encode(seq, recordedAt, event, prevHash));
    }

    /** Hex, lower case: how hashes are shown to people and written in checkpoints. */
    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static String uuid(UUID id) {
        return id == null ? null : id.toString();
    }

    private static void text(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
