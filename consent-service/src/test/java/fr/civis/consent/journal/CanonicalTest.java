package fr.civis.consent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class CanonicalTest {

    private static final Instant AT = Instant.parse("2026-12-03T07:40:00.123456789Z");
    private static final UUID CONSENT = UUID.fromString("0b7a1f3e-6a4c-4f7e-9f51-1f2a3b4c5d6e");

    private static JournalEntry.Event access() {
        return JournalEntry.Event.of("access").actor("civis-vault").subject("citizen-1").recipient("mairie-demo")
                .consentId(CONSENT).documentId(UUID.fromString("3f0c9b7e-1111-4222-8333-944455566677"))
                .purpose("inscription-creche").digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }

    private static JournalEntry.Event login() {
        return JournalEntry.Event.of("security.login").actor("8a1e5c3e-0000-4000-8000-000000000001")
                .security("3f2c0a7e-0000-4000-8000-000000000002", "civis-portal", "success",
                        "{\"auth_method\":\"openid-connect\",\"time\":\"2026-12-03T07:40:00Z\"}");
    }

    @Test
    void entries_without_security_fields_keep_the_first_encoding_and_security_events_have_their_own() {
        String domain1 = "civis-journal/1";
        String domain2 = "civis-journal/2";
        assertThat(new String(Canonical.encode(7, AT, access(), Canonical.GENESIS), 0, domain1.length(),
                java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(domain1);
        assertThat(new String(Canonical.encode(7, AT, login(), Canonical.GENESIS), 0, domain2.length(),
                java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(domain2);
    }

    @Test
    void each_security_field_counts_in_the_hash() {
        JournalEntry.Event login = login();
        byte[] hash = Canonical.hash(7, AT, login, Canonical.GENESIS);
        List<JournalEntry.Event> changed = List.of(
                login.security("3f2c0a7e-0000-4000-8000-000000000003", login.clientId(), login.outcome(), login.details()),
                login.security(login.eventId(), "mairie-demo", login.outcome(), login.details()),
                login.security(login.eventId(), login.clientId(), "invalid_user_credentials", login.details()),
                login.security(login.eventId(), login.clientId(), login.outcome(), "{}"),
                login.security(null, login.clientId(), login.outcome(), login.details()));
        for (JournalEntry.Event other : changed) {
            assertThat(Canonical.hash(7, AT, other, Canonical.GENESIS)).isNotEqualTo(hash);
        }
    }

    @Test
    void the_same_entry_always_encodes_and_hashes_the_same() {
        assertThat(Canonical.encode(7, AT, access(), Canonical.GENESIS))
                .isEqualTo(Canonical.encode(7, AT, access(), Canonical.GENESIS));
        assertThat(Canonical.hash(7, AT, access(), Canonical.GENESIS)).hasSize(32)
                .isEqualTo(Canonical.hash(7, AT, access(), Canonical.GENESIS));
    }

    @Test
    void time_counts_to_the_microsecond_as_postgresql_keeps_it() {
        Instant stored = Instant.parse("2026-12-03T07:40:00.123456Z");
        assertThat(Canonical.hash(7, AT, access(), Canonical.GENESIS))
                .isEqualTo(Canonical.hash(7, stored, access(), Canonical.GENESIS));
        assertThat(Canonical.hash(7, stored.plusNanos(1000), access(), Canonical.GENESIS))
                .isNotEqualTo(Canonical.hash(7, stored, access(), Canonical.GENESIS));
    }

    @Test
    void every_field_changes_the_hash() {
        JournalEntry.Event base = access();
        List<JournalEntry.Event> variants = List.of(base, base.actor("other"), base.subject("citizen-2"),
                base.recipient("partenaire-eau"), base.consentId(UUID.randomUUID()), base.documentId(UUID.randomUUID()),
                base.purpose("other"), base.reason("consent-revoked"), base.digest(null),
                new JournalEntry.Event("denial", base.actor(), base.subject(), base.recipient(), base.consentId(),
                        base.documentId(), base.purpose(), base.reason(), base.digest()));
        Set<String> hashes = new HashSet<>();
        for (JournalEntry.Event variant : variants) {
            hashes.add(Canonical.hex(Canonical.hash(1, AT, variant, Canonical.GENESIS)));
        }
        hashes.add(Canonical.hex(Canonical.hash(2, AT, base, Canonical.GENESIS)));
        hashes.add(Canonical.hex(Canonical.hash(1, AT.plusSeconds(1), base, Canonical.GENESIS)));
        byte[] otherPrev = new byte[32];
        otherPrev[31] = 1;
        hashes.add(Canonical.hex(Canonical.hash(1, AT, base, otherPrev)));
        assertThat(hashes).hasSize(variants.size() + 3);
    }

    @Test
    void fields_are_length_prefixed_so_moving_text_between_them_changes_the_encoding() {
        JournalEntry.Event ab = JournalEntry.Event.of("denial").actor("ab").subject("c");
        JournalEntry.Event a = JournalEntry.Event.of("denial").actor("a").subject("bc");
        assertThat(Canonical.encode(1, AT, ab, Canonical.GENESIS)).isNotEqualTo(Canonical.encode(1, AT, a, Canonical.GENESIS));
        JournalEntry.Event empty = JournalEntry.Event.of("denial").reason("");
        JournalEntry.Event absent = JournalEntry.Event.of("denial");
        assertThat(Canonical.encode(1, AT, empty, Canonical.GENESIS))
                .isNotEqualTo(Canonical.encode(1, AT, absent, Canonical.GENESIS));
    }

    @Test
    void a_chain_breaks_at_the_changed_entry_and_every_hash_after_it_changes() {
        List<JournalEntry.Event> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(access().reason("r" + i));
        }
        List<byte[]> original = chain(events);
        events.set(2, events.get(2).digest("sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"));
        List<byte[]> changed = chain(events);
        assertThat(changed.get(0)).isEqualTo(original.get(0));
        assertThat(changed.get(1)).isEqualTo(original.get(1));
        for (int i = 2; i < 5; i++) {
            assertThat(changed.get(i)).isNotEqualTo(original.get(i));
        }
    }

    @Test
    void a_previous_hash_is_32_bytes() {
        assertThatThrownBy(() -> Canonical.hash(1, AT, access(), new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<byte[]> chain(List<JournalEntry.Event> events) {
        List<byte[]> hashes = new ArrayList<>();
        byte[] prev = Canonical.GENESIS;
        for (int i = 0; i < events.size(); i++) {
            prev = Canonical.hash(i + 1, AT, events.get(i), prev);
            hashes.add(prev);
        }
        return hashes;
    }
}
