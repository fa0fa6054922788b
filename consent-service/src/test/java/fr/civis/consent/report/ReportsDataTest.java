package fr.civis.consent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.MutableClock;
import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.journal.JournalWriter;
import fr.civis.consent.receipt.TestReceipts;

/**
 * Reports to the DPO on real PostgreSQL, through the runtime role: a citizen reports only entries about themselves,
 * the extract is signed and checks against the journal, the follow-up moves forward only and is journaled.
 */
class ReportsDataTest {

    private static final String ALICE = "0b6e3f1c-2a44-4c1b-9f51-6a0d3c2b1e01";
    private static final String BOB = "9f516a0d-3c2b-4c1b-0b6e-3f1c2a441e02";

    private HikariDataSource runtime;
    private JournalWriter writer;
    private JdbcClient jdbc;
    private Reports reports;

    @BeforeEach
    void setUp() {
        runtime = TestDatabase.create().runtime();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        writer = new JournalWriter(runtime, clock, 100, Duration.ofSeconds(10));
        jdbc = JdbcClient.create(runtime);
        reports = new Reports(jdbc, writer::append, TestReceipts.create(runtime, clock), clock);
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
    }

    private long access(String subject) {
        return writer.append(Event.of("access").actor("civis-vault").subject(subject).recipient("mairie-demo")
                .consentId(UUID.randomUUID()).documentId(UUID.randomUUID()).purpose("inscription-creche")
                .digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")).seq();
    }

    private List<String> kinds() {
        return jdbc.sql("SELECT kind FROM journal_entry ORDER BY seq").query(String.class).list();
    }

    @Test
    void a_report_carries_a_signed_extract_that_checks_against_the_journal_and_is_journaled_without_a_subject() {
        long first = access(ALICE);
        long second = access(ALICE);

        Reports.Report report = reports.create(ALICE, List.of(second, first), "  Je ne connais pas ce service.  ");

        assertThat(report.entryIds()).containsExactly(first, second);
        assertThat(report.comment()).isEqualTo("Je ne connais pas ce service.");
        assertThat(report.status()).isEqualTo("new");
        Reports.ExtractCheck check = reports.check(reports.one(report.id()));
        assertThat(check.signatureValid()).isTrue();
        assertThat(check.ok()).isTrue();
        assertThat(check.entries()).extracting(Reports.EntryCheck::entryId).containsExactly(first, second);
        assertThat(reports.of(ALICE)).extracting(Reports.Report::id).containsExactly(report.id());
        assertThat(reports.of(BOB)).isEmpty();
        // Journaled with the citizen as actor, never as subject: it must not show in their history as an access.
        assertThat(jdbc.sql("SELECT count(*) FROM journal_entry WHERE kind = 'dpo.report' AND actor = :a "
                + "AND subject IS NULL AND reason LIKE :r").param("a", ALICE).param("r", "%" + report.id() + "%")
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void an_entry_about_another_citizen_is_not_found_and_nothing_is_stored_or_journaled() {
        long mine = access(ALICE);
        long theirs = access(BOB);
        List<String> before = kinds();

        assertThatThrownBy(() -> reports.create(ALICE, List.of(mine, theirs), "Signalement"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.code()).isEqualTo("journal-entry-not-found");
                    assertThat(e.status().value()).isEqualTo(404);
                });
        assertThatThrownBy(() -> reports.create(ALICE, List.of(mine + 1000), "Signalement"))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.code()).isEqualTo("journal-entry-not-found"));
        assertThat(kinds()).isEqualTo(before);
        assertThat(jdbc.sql("SELECT count(*) FROM dpo_report").query(Long.class).single()).isZero();
    }

    @Test
    void an_empty_or_oversized_report_is_invalid() {
        long mine = access(ALICE);
        for (Runnable invalid : List.<Runnable>of(
                () -> reports.create(ALICE, List.of(), "Commentaire"),
                () -> reports.create(ALICE, List.of(mine, mine), "Commentaire"),
                () -> reports.create(ALICE, List.of(mine), "   "),
                () -> reports.create(ALICE, List.of(mine), "x".repeat(2001)))) {
            assertThatThrownBy(invalid::run).isInstanceOfSatisfying(ProblemException.class,
                    e -> assertThat(e.code()).isEqualTo("report-invalid"));
        }
    }

    @Test
    void the_follow_up_moves_forward_with_a_note_each_change_journaled_and_an_answer_is_final() {
        Reports.Report report = reports.create(ALICE, List.of(access(ALICE)), "Qui est-ce ?");

        assertThatThrownBy(() -> reports.follow(report.id(), "answered", " ", "dpo-sub"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("report-note-required"));
        assertThatThrownBy(() -> reports.follow(report.id(), "new", null, "dpo-sub"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("report-invalid"));
        assertThat(reports.follow(report.id(), "in-progress", null, "dpo-sub").status()).isEqualTo("in-progress");
        Reports.Report answered = reports.follow(report.id(), "answered", "Le service a été interrogé.", "dpo-sub");

        assertThat(answered.status()).isEqualTo("answered");
        assertThat(reports.one(report.id()).note()).isEqualTo("Le service a été interrogé.");
        assertThat(reports.of(ALICE).getFirst().status()).isEqualTo("answered");
        assertThatThrownBy(() -> reports.follow(report.id(), "in-progress", "encore", "dpo-sub"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("report-closed"));
        assertThat(jdbc.sql("SELECT reason FROM journal_entry WHERE kind = 'dpo.report-status' AND actor = 'dpo-sub' "
                + "ORDER BY seq").query(String.class).list())
                .containsExactly("signalement " + report.id() + " : in-progress",
                        "signalement " + report.id() + " : answered");
        assertThatThrownBy(() -> reports.follow(UUID.randomUUID(), "in-progress", null, "dpo-sub"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("report-not-found"));
    }

    @Test
    void an_extract_whose_payload_was_altered_does_not_check() {
        Reports.Report report = reports.create(ALICE, List.of(access(ALICE)), "Signalement");
        String[] parts = report.extract().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("mairie-demo", "autre-service");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        Reports.Report altered = new Reports.Report(report.id(), report.subject(), report.createdAt(),
                report.entryIds(), report.comment(), forged, report.status(), report.note(), report.updatedAt());

        assertThat(reports.check(altered).signatureValid()).isFalse();
        assertThat(reports.check(altered).ok()).isFalse();
    }
}
