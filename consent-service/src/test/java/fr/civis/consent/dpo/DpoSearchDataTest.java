package fr.civis.consent.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.journal.JournalWriter;
import fr.civis.consent.receipt.ReceiptProperties;

/** The console's search on real PostgreSQL, through the runtime role: filters, outcome, paging, pseudonyms. */
class DpoSearchDataTest {

    private static final String ALICE = "3f1c2a44-0b6e-4c1b-9f51-6a0d3c2b1e01";
    private static final String BOB = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    private TestDatabase database;
    private HikariDataSource runtime;
    private HikariDataSource superuser;
    private JournalWriter writer;
    private DpoConsole console;
    private Pseudonyms pseudonyms;
    private final UUID creche = UUID.randomUUID();
    private final UUID eau = UUID.randomUUID();

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabase.create();
        runtime = database.runtime();
        superuser = database.superuser();
        writer = new JournalWriter(runtime, Clock.systemUTC(), 100, Duration.ofSeconds(10));
        pseudonyms = new Pseudonyms(new ReceiptProperties("a-test-secret-of-at-least-32-characters!", "urn:test",
                Duration.ofSeconds(60), Duration.ofSeconds(10)));
        console = new DpoConsole(JdbcClient.create(runtime), null, pseudonyms, null);
        consent(creche, ALICE, "mairie-demo", "inscription-creche", "justificatif-domicile");
        consent(eau, BOB, "partenaire-eau", "ouverture-abonnement", "piece-identite");
        writer.append(Event.of("grant").actor("civis-vault").subject(ALICE).recipient("mairie-demo").consentId(creche)
                .purpose("inscription-creche"));
        writer.append(Event.of("access").actor("civis-vault").subject(ALICE).recipient("mairie-demo").consentId(creche)
                .documentId(UUID.randomUUID()).purpose("inscription-creche"));
        writer.append(Event.of("verification").actor("dpo-sub"));
        writer.append(Event.of("denial").actor("civis-vault").subject(BOB).recipient("mairie-demo").consentId(eau)
                .reason("consent-recipient-mismatch"));
        writer.append(Event.of("revocation").actor(BOB).subject(BOB).recipient("partenaire-eau").consentId(eau)
                .purpose("ouverture-abonnement"));
    }

    private void consent(UUID id, String subject, String recipient, String purpose, String type) throws Exception {
        TestDatabase.execute(superuser, "INSERT INTO consent (id, subject, pairwise_subject, recipient, recipient_name, "
                + "purpose, purpose_label, legal_basis, document_types, document_ids, granted_at, expires_at, "
                + "collection_method, notice_version, receipt) VALUES ('" + id + "', '" + subject + "', 'pw', '"
                + recipient + "', 'Nom', '" + purpose + "', 'Libellé', 'consent', ARRAY['" + type + "'], ARRAY['"
                + UUID.randomUUID() + "'::uuid], now(), now() + interval '7 days', 'citizen-initiative', '1', 'jws')");
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
        superuser.close();
    }

    private List<ConsoleEntry> search(String recipient, String purpose, String type, String from, String to,
            String outcome, Long before, int limit) {
        return console.search(Criteria.of(recipient, purpose, type, from, to, outcome, before), limit);
    }

    @Test
    void finds_consents_and_accesses_newest_first_with_citizens_under_pseudonyms() {
        List<ConsoleEntry> all = search(null, null, null, null, null, null, null, 50);
        assertThat(all).extracting(ConsoleEntry::kind).containsExactly("revocation", "denial", "access", "grant");
        assertThat(all).extracting(ConsoleEntry::outcome).containsExactly("ended", "denied", "allowed", "allowed");
        assertThat(all.get(2).citizen()).isEqualTo(pseudonyms.of(ALICE)).matches("P-[0-9a-f]{20}")
                .isEqualTo(all.get(3).citizen()).isNotEqualTo(all.get(1).citizen());
        assertThat(all).allSatisfy(entry -> assertThat(entry.toString()).doesNotContain(ALICE).doesNotContain(BOB));
        assertThat(all.get(2).documentTypes()).containsExactly("justificatif-domicile");
    }

    @Test
    void filters_by_service_purpose_document_type_outcome_period_and_pages() {
        assertThat(search("mairie-demo", null, null, null, null, null, null, 50)).extracting(ConsoleEntry::kind)
                .containsExactly("denial", "access", "grant");
        assertThat(search(null, "ouverture-abonnement", null, null, null, null, null, 50))
                .extracting(ConsoleEntry::kind).containsExactly("revocation");
        assertThat(search(null, null, "piece-identite", null, null, null, null, 50)).extracting(ConsoleEntry::kind)
                .containsExactly("revocation", "denial");
        assertThat(search(null, null, null, null, null, "denied", null, 50)).extracting(ConsoleEntry::kind)
                .containsExactly("denial");
        String today = LocalDate.now(ZoneId.of("Europe/Paris")).toString();
        String tomorrow = LocalDate.now(ZoneId.of("Europe/Paris")).plusDays(1).toString();
        assertThat(search(null, null, null, today, today, null, null, 50)).hasSize(4);
        assertThat(search(null, null, null, tomorrow, null, null, null, 50)).isEmpty();

        List<ConsoleEntry> first = search(null, null, null, null, null, null, null, 2);
        List<ConsoleEntry> next = search(null, null, null, null, null, null, first.getLast().entryId(), 2);
        assertThat(next).extracting(ConsoleEntry::kind).containsExactly("access", "grant");
    }

    @Test
    void refuses_what_is_not_a_criterion() {
        for (String[] bad : List.of(new String[] {"MAIRIE", null, null, null, null},
                new String[] {null, "a'; drop", null, null, null}, new String[] {null, null, "2026-02-30", null, null},
                new String[] {null, null, "2026-12-03", "2026-12-01", null}, new String[] {null, null, null, null, "ok"})) {
            assertThatThrownBy(() -> Criteria.of(bad[0], bad[1], null, bad[2], bad[3], bad[4], null))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo("dpo-search-invalid"));
        }
    }

    @Test
    void csv_quotes_what_needs_it_and_never_writes_a_formula() {
        assertThat(Csv.of(List.of("a", "b"), List.of(java.util.Arrays.asList("x,y", null),
                List.of("=HYPERLINK(\"http://evil\")", "-2+3"))))
                .isEqualTo("a,b\r\n\"x,y\",\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",'-2+3\r\n");
    }
}
