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
     * @param kind       grant, refusal, revocation, ending, access, denial, verification, security.…
     * @param actor      who acted: a client id (a service) or a sub (a citizen, a DPO), a Keycloak user id
     * @param subject    the citizen concerned (their sub), when there is one
     * @param recipient  the recipient's client id
     * @param consentId  the consent concerned
     * @param documentId the document concerned
     * @param purpose    the purpose's code
     * @param reason     why (a denial's or an ending's stable code)
     * @param digest     the {@code Repr-Digest} of what was delivered
     * @param eventId    a security event's Keycloak id: the journal holds each at most once
     * @param clientId   the client a security event happened through
     * @param outcome    a security event's outcome: {@code success} or Keycloak's error code
     * @param details    a security event's allow-listed details, canonical JSON
     */
    public record Event(String kind, String actor, String subject, String recipient, UUID consentId, UUID documentId,
            String purpose, String reason, String digest, String eventId, String clientId, String outcome,
            String details) {

        public Event {
            Objects.requireNonNull(kind, "kind");
        }

        /** An event without the security event's fields: encoded as every entry was before them. */
        public Event(String kind, String actor, String subject, String recipient, UUID consentId, UUID documentId,
                String purpose, String reason, String digest) {
            this(kind, actor, subject, recipient, consentId, documentId, purpose, reason, digest, null, null, null,
                    null);
        }

        public static Event of(String kind) {
            return new Event(kind, null, null, null, null, null, null, null, null);
        }

        /** Whether any of the security event's fields is set (Canonical's second encoding). */
        public boolean hasSecurityFields() {
            return eventId != null || clientId != null || outcome != null || details != null;
        }

        public Event actor(String value) {
            return new Event(kind, value, subject, recipient, consentId, documentId, purpose, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event subject(String value) {
            return new Event(kind, actor, value, recipient, consentId, documentId, purpose, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event recipient(String value) {
            return new Event(kind, actor, subject, value, consentId, documentId, purpose, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event consentId(UUID value) {
            return new Event(kind, actor, subject, recipient, value, documentId, purpose, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event documentId(UUID value) {
            return new Event(kind, actor, subject, recipient, consentId, value, purpose, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event purpose(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, value, reason, digest, eventId,
                    clientId, outcome, details);
        }

        public Event reason(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, purpose, value, digest, eventId,
                    clientId, outcome, details);
        }

        public Event digest(String value) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, purpose, reason, value, eventId,
                    clientId, outcome, details);
        }

        /** A security event's own fields (docs/journal-events.md). */
        public Event security(String eventId, String clientId, String outcome, String details) {
            return new Event(kind, actor, subject, recipient, consentId, documentId, purpose, reason, digest,
                    eventId, clientId, outcome, details);
        }
    }
}
