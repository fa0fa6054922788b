package fr.civis.consent.dpo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import fr.civis.consent.MutableClock;
import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.journal.JournalWriter;

/**
 * The console's anomaly rules and figures on real PostgreSQL, with entries of the kinds the vault and Keycloak's
 * listener write (accesses, denials, {@code security.login-failed}, {@code security.lockout}).
 */
class AnomaliesDataTest {

    private final Instant start = Instant.parse("2026-11-20T09:00:00Z");
    private TestDatabase database;
    private HikariDataSource runtime;
    private HikariDataSource superuser;
    private MutableClock clock;
    private JournalWriter writer;
    private Anomalies anomalies;

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        runtime = database.runtime();
        superuser = database.superuser();
        clock = new MutableClock(start);
        writer = new JournalWriter(runtime, clock, 100, Duration.ofSeconds(10));
        anomalies = new Anomalies(JdbcClient.create(runtime),
                new AnomalyProperties(Duration.ofMinutes(10), 3, 2, Duration.ofHours(1), 3));
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
        superuser.close();
    }

    private void at(Instant when, Event event) {
        clock.set(when);
        writer.append(event);
    }

    private UUID consent(Instant expires) throws Exception {
        UUID id = UUID.randomUUID();
        TestDatabase.execute(superuser, "INSERT INTO consent (id, subject, pairwise_subject, recipient, recipient_name, "
                + "purpose, purpose_label, legal_basis, document_types, document_ids, granted_at, expires_at, "
                + "collection_method, notice_version, receipt) VALUES ('" + id + "', 'sub', 'pw', 'mairie-demo', 'Nom', "
                + "'inscription-creche', 'Libellé', 'consent', ARRAY['justificatif-domicile'], ARRAY['"
                + UUID.randomUUID() + "'::uuid], '" + start.minus(Duration.ofDays(10)) + "', '" + expires
                + "', 'citizen-initiative', '1', 'jws')");
        return id;
    }

    private static Event access(String recipient, String citizen, UUID consent) {
        return Event.of("access").actor("civis-vault").subject(citizen).recipient(recipient).consentId(consent)
                .purpose("inscription-creche");
    }

    @Test
    void finds_each_rule_above_its_threshold_and_nothing_below() throws Exception {
        UUID far = consent(start.plus(Duration.ofDays(30)));
        UUID closing = consent(start.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(30)));
        // Three different citizens read by mairie-demo within ten minutes; partenaire-eau reads two.
        for (int i = 0; i < 3; i++) {
            at(start.plus(Duration.ofMinutes(i)), access("mairie-demo", "citizen-" + i, far));
        }
        at(start.plus(Duration.ofMinutes(1)), access("partenaire-eau", "citizen-0", far));
        at(start.plus(Duration.ofMinutes(2)), access("partenaire-eau", "citizen-1", far));
        // Two denials to partenaire-eau within ten minutes; one to mairie-demo.
        at(start.plus(Duration.ofHours(2)), Event.of("denial").recipient("partenaire-eau").reason("consent-expired"));
        at(start.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(3)),
                Event.of("denial").recipient("partenaire-eau").reason("consent-revoked"));
        at(start.plus(Duration.ofHours(3)), Event.of("denial").recipient("mairie-demo").reason("consent-expired"));
        // A fetch 30 minutes before its consent expires.
        at(start.plus(Duration.ofDays(1)), access("mairie-demo", "citizen-9", closing));
        // Failed logins and a lockout from Keycloak's listener, three within ten minutes; then a lone one.
        at(start.plus(Duration.ofHours(5)), Event.of("security.login-failed").actor("u1").reason("civis-portal"));
        at(start.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(1)), Event.of("security.login-failed").actor("u1"));
        at(start.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(2)), Event.of("security.lockout").actor("u1"));
        at(start.plus(Duration.ofHours(8)), Event.of("security.login-failed").actor("u2"));

        List<Anomalies.Anomaly> found = anomalies.between(start.minus(Duration.ofDays(1)), start.plus(Duration.ofDays(2)));

        assertThat(found).extracting(Anomalies.Anomaly::rule, Anomalies.Anomaly::recipient, Anomalies.Anomaly::count)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("many-citizens", "mairie-demo", 3L),
                        org.assertj.core.groups.Tuple.tuple("many-denials", "partenaire-eau", 2L),
                        org.assertj.core.groups.Tuple.tuple("late-fetch", "mairie-demo", 1L),
                        org.assertj.core.groups.Tuple.tuple("failed-logins", null, 3L));
        assertThat(anomalies.between(start.plus(Duration.ofDays(3)), start.plus(Duration.ofDays(4)))).isEmpty();
    }

    @Test
    void counts_grants_accesses_and_denials_per_day_and_service() throws Exception {
        UUID far = consent(start.plus(Duration.ofDays(30)));
        at(start, Event.of("grant").subject("a").recipient("mairie-demo").consentId(far));
        at(start.plus(Duration.ofMinutes(5)), access("mairie-demo", "a", far));
        at(start.plus(Duration.ofMinutes(6)), access("mairie-demo", "a", far));
        at(start.plus(Duration.ofDays(1)), Event.of("denial").recipient("mairie-demo"));
        at(start.plus(Duration.ofDays(1)), access("partenaire-eau", "b", far));

        Instant from = start.truncatedTo(ChronoUnit.DAYS);
        assertThat(anomalies.figures(from, from.plus(Duration.ofDays(3)), "mairie-demo"))
                .containsExactly(new Anomalies.DayFigures("2026-11-20", "mairie-demo", 1, 2, 0),
                        new Anomalies.DayFigures("2026-11-21", "mairie-demo", 0, 0, 1));
        assertThat(anomalies.figures(from, from.plus(Duration.ofDays(3)), null)).hasSize(3);
    }
}
