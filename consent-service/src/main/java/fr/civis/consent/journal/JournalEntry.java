package fr.civis.consent.journal;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of the journal as stored: its position in the chain, when it was recorded, what happened, the hash of
 * the entry before it and its own hash ({@link Canonical#hash}).
 */
public record JournalEntry(long seq, Instant recordedAt, Event event, byte[] prevHash, byte[] hash) {

    public JournalEntry {
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(event, "event");
        prevHash = prevHash.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /**
     * What happened, without its place in the chain: what a caller appends.
     *
     * @param kind       grant, refusal, revocation, ending, access, denial, verification, …
     * @param actor      who acted: a client id (a service) or a sub (a citizen, a DPO)
     * @param subject    the citizen concerned (their sub), when there is one
     * @param recipient  the recipient's client id
     * @param consentId  the consent concerned
     * @param documentId the document concerned
     * @param purpose    the purpose's code
     * @param reason     why (a denial's or an ending's stable code)
     * @param digest     the {@code Repr-Digest} of what was delivered
     */
    public record Event(String kind, String actor, String subject, String recipient, UUID consentId, UUID documentId,
            String purpose, String reason, String digest) {

        public Event {
            Objects.requireNonNull(kind, "kind");
        }

        public static Event of(String kind) {
            return new Event(kind, null, null, null, null, null, null, null, null);
        }

        public Event actor(String value) {
            return new Event(kind, value, subject, recipient, consentId, documentId, purpose, reason, digest);
        }

        public Event subject(String value) {
            return new Event(kind, actor, value, recipient, consentId, documentId, purpose, reason, digest);
        }

        public Event recipient(String value) {
            return new Event(kind, actor, subject, value, consentId, documentId, purpose, reason, digest);
        }

        public Event consentId(UUID value) {
            return new Event(kind, actor, subject, recipient, value, documentId, purpose, reason, digest);
        }

        public Event documentId(UUID value) {
            return new Event(kind, actor, subject, recipient, consentId, value, purpose, reason, digest);
        }

        public Event purpose(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, value, reason, digest);
        }

        public Event reason(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, purpose, value, digest);
        }

        public Event digest(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, purpose, reason, value);
        }
    }
}
