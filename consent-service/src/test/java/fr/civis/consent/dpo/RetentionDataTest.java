package fr.civis.consent.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.consent.MutableClock;
import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.Checkpointer;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.journal.JournalVerifier;
import fr.civis.consent.journal.JournalWriter;
import fr.civis.consent.journal.TestSigner;
import fr.civis.consent.journal.Verification;

/**
 * Retention on real PostgreSQL, through the runtime role: a purge redacts exactly the entries past their period that a
 * signed checkpoint covers, records and journals itself, and the journal still verifies; nothing else can be changed.
 */
class RetentionDataTest {

    private static final String CITIZEN = "3f1c2a44-0b6e-4c1b-9f51-6a0d3c2b1e01";
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final TestSigner signer = new TestSigner();

    private TestDatabase database;
    private HikariDataSource runtime;
    private HikariDataSource superuser;
    private MutableClock clock;
    private JournalWriter writer;
    private JdbcClient jdbc;
    private Retention retention;

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        runtime = database.runtime();
        superuser = database.superuser();
        clock = new MutableClock(now);
        writer = new JournalWriter(runtime, clock, 100, Duration.ofSeconds(10));
        jdbc = JdbcClient.create(runtime);
        retention = new Retention(jdbc, new TransactionTemplate(new DataSourceTransactionManager(runtime)),
                writer::append, new RetentionProperties(Period.ofYears(1), Period.ofMonths(6), Period.ofYears(5),
                        "0 30 3 * * *"), java.time.Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
        superuser.close();
    }

    private long at(Instant when, Event event) {
        clock.set(when);
        return writer.append(event).seq();
    }

    private void consent(UUID id, Instant granted, Instant expires) throws SQLException {
        TestDatabase.execute(superuser, "INSERT INTO consent (id, subject, pairwise_subject, recipient, recipient_name, "
                + "purpose, purpose_label, legal_basis, document_types, document_ids, granted_at, expires_at, "
                + "collection_method, notice_version, receipt) VALUES ('" + id + "', '" + CITIZEN + "', 'pw', "
                + "'mairie-demo', 'Nom', 'inscription-creche', 'Libellé', 'consent', ARRAY['justificatif-domicile'], "
                + "ARRAY['" + UUID.randomUUID() + "'::uuid], '" + granted + "', '" + expires + "', 'citizen-initiative', "
                + "'1', 'jws')");
    }

    private static Event access(UUID consent) {
        return Event.of("access").actor("civis-vault").subject(CITIZEN).recipient("mairie-demo").consentId(consent)
                .documentId(UUID.randomUUID()).purpose("inscription-creche")
                .digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }

    private List<Long> purged() {
        return jdbc.sql("SELECT seq FROM journal_entry WHERE purged_at IS NOT NULL ORDER BY seq").query(Long.class).list();
    }

    @Test
    void a_purge_redacts_exactly_what_is_past_retention_and_anchored_journals_itself_and_verify_still_passes()
            throws Exception {
        Instant sixYearsAgo = now.minus(Duration.ofDays(6 * 366));
        Instant twoYearsAgo = now.minus(Duration.ofDays(2 * 366));
        UUID ended = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        consent(ended, sixYearsAgo, sixYearsAgo.plus(Duration.ofDays(30)));
        consent(running, now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(20)));

        long oldGrant = at(sixYearsAgo, Event.of("grant").actor("civis-vault").subject(CITIZEN).recipient("mairie-demo")
                .consentId(ended).purpose("inscription-creche"));
        long oldAccess = at(twoYearsAgo, access(ended));
        long oldLogin = at(now.minus(Duration.ofDays(200)), Event.of("security.login").actor(CITIZEN).reason("civis-portal"));
        long recentLogin = at(now.minus(Duration.ofDays(100)), Event.of("security.login").actor(CITIZEN));
        long runningGrant = at(now.minus(Duration.ofDays(10)), Event.of("grant").actor("civis-vault").subject(CITIZEN)
                .recipient("mairie-demo").consentId(running).purpose("inscription-creche"));
        long recentAccess = at(now.minus(Duration.ofDays(1)), access(running));
        assertThat(new Checkpointer(runtime, signer, clock).checkpoint()).isPresent();
        // Past its period too, but after the last signed checkpoint: not eligible yet.
        long unanchored = at(twoYearsAgo, access(ended));

        Retention.Purge purge = retention.purge("dpo-sub");

        assertThat(purged()).containsExactly(oldGrant, oldAccess, oldLogin);
        assertThat(purge.accessEvents()).isEqualTo(1);
        assertThat(purge.securityEvents()).isEqualTo(1);
        assertThat(purge.consentEvents()).isEqualTo(1);
        // The ended consent stays while an entry still names it (the unanchored access below).
        assertThat(purge.consentsDeleted()).isZero();
        assertThat(consents()).containsExactlyInAnyOrder(ended, running);
        assertThat(purge.anchoredSize()).isEqualTo(recentAccess);
        // What stays of a redacted entry: its place, time, kind, service and purpose; no one, nothing personal.
        assertThat(jdbc.sql("SELECT kind, recipient, purpose, actor, subject, consent_id, document_id, reason, digest "
                + "FROM journal_entry WHERE seq = :seq").param("seq", oldAccess).query().singleRow())
                .containsEntry("kind", "access").containsEntry("recipient", "mairie-demo")
                .containsEntry("purpose", "inscription-creche").containsEntry("actor", null)
                .containsEntry("subject", null).containsEntry("consent_id", null).containsEntry("reason", null);
        assertThat(jdbc.sql("SELECT count(*) FROM journal_entry WHERE subject IS NOT NULL AND seq IN (:seqs)")
                .param("seqs", List.of(recentLogin, runningGrant, recentAccess, unanchored)).query(Long.class).single())
                .isEqualTo(3); // the logins name their actor, not a subject
        assertThat(jdbc.sql("SELECT kind, reason FROM journal_entry WHERE seq = :seq").param("seq", purge.journalEntry())
                .query().singleRow()).containsEntry("kind", "retention.purge")
                .hasEntrySatisfying("reason", reason -> assertThat((String) reason).contains("1 accès")
                        .contains("1 événements de sécurité").contains("1 consentements"));
        assertThat(retention.history(10)).singleElement().satisfies(row -> {
            assertThat(row.id()).isEqualTo(purge.id());
            assertThat(row.journalEntry()).isEqualTo(purge.journalEntry());
        });

        Verification before = new JournalVerifier(runtime, signer).verify();
        assertThat(before.ok()).as(before.toString()).isTrue();
        assertThat(new Checkpointer(runtime, signer, java.time.Clock.systemUTC()).checkpoint()).isPresent();
        assertThat(new JournalVerifier(runtime, signer).verify().ok()).isTrue();

        // A second run finds nothing more (the unanchored one is now anchored, and goes).
        Retention.Purge again = retention.purge("dpo-sub");
        assertThat(again.accessEvents()).isEqualTo(1);
        assertThat(purged()).containsExactly(oldGrant, oldAccess, oldLogin, unanchored);
        // Now nothing names the ended consent: it goes, receipt and subject with it; the running one stays.
        assertThat(again.consentsDeleted()).isEqualTo(1);
        assertThat(consents()).containsExactly(running);
        assertThat(retention.history(10)).first().satisfies(row -> assertThat(row.consentsDeleted()).isEqualTo(1));
        assertThat(new JournalVerifier(runtime, signer).verify().ok()).isTrue();
    }

    @Test
    void the_runtime_role_cannot_delete_a_running_consent_nor_one_the_journal_still_names() throws Exception {
        UUID running = UUID.randomUUID();
        UUID named = UUID.randomUUID();
        UUID unnamed = UUID.randomUUID();
        consent(running, now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(20)));
        consent(named, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(30)));
        consent(unnamed, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(30)));
        at(now.minus(Duration.ofDays(40)), access(named));

        for (UUID id : List.of(running, named)) {
            assertThatThrownBy(() -> jdbc.sql("DELETE FROM consent WHERE id = :id").param("id", id).update())
                    .hasStackTraceContaining("cannot be deleted");
        }
        // Ended and unnamed: the database lets it go (how long to wait is the service's retention setting).
        assertThat(jdbc.sql("DELETE FROM consent WHERE id = :id").param("id", unnamed).update()).isEqualTo(1);
        assertThat(consents()).containsExactlyInAnyOrder(running, named);
    }

    private List<UUID> consents() {
        return jdbc.sql("SELECT id FROM consent").query(UUID.class).list();
    }

    @Test
    void the_runtime_role_can_redact_only_anchored_entries_and_change_nothing_else() throws Exception {
        long anchored = at(now.minus(Duration.ofDays(800)), access(UUID.randomUUID()));
        assertThat(new Checkpointer(runtime, signer, clock).checkpoint()).isPresent();
        long fresh = at(now, access(UUID.randomUUID()));
        String redact = "UPDATE journal_entry SET actor = NULL, subject = NULL, consent_id = NULL, document_id = NULL, "
                + "reason = NULL, digest = NULL, purged_at = now() WHERE seq = ";
        for (String sql : List.of(redact + fresh, "UPDATE journal_entry SET reason = 'x' WHERE seq = " + anchored,
                "UPDATE journal_entry SET subject = NULL WHERE seq = " + anchored,
                "UPDATE journal_entry SET recipient = 'other' WHERE seq = " + anchored,
                "DELETE FROM journal_entry WHERE seq = " + anchored, "UPDATE retention_purge SET access_events = 0")) {
            assertThatThrownBy(() -> TestDatabase.execute(runtime, sql)).as(sql).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        TestDatabase.execute(runtime, redact + anchored);
        assertThat(purged()).containsExactly(anchored);
        // A redacted entry stays redacted: not written back, not redacted again.
        assertThatThrownBy(() -> TestDatabase.execute(runtime, "UPDATE journal_entry SET reason = 'back' WHERE seq = "
                + anchored)).isInstanceOf(SQLException.class);
        assertThat(new JournalVerifier(runtime, signer).verify().ok()).isTrue();
    }

    @Test
    void a_redaction_no_checkpoint_covers_fails_verify() throws Exception {
        long seq = at(now.minus(Duration.ofDays(800)), access(UUID.randomUUID()));
        at(now, access(UUID.randomUUID()));
        // As the owner, who can disable the trigger: a redaction past the checkpoints is not vouched for.
        TestDatabase.execute(superuser, "ALTER TABLE journal_entry DISABLE TRIGGER journal_entry_redaction_only; "
                + "UPDATE journal_entry SET subject = NULL, purged_at = now() WHERE seq = " + seq);
        Verification result = new JournalVerifier(runtime, signer).verify();
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("purged-unanchored");
        assertThat(result.firstBadEntry()).isEqualTo(seq);
    }
}
