package fr.civis.vault.reminder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.vault.MigratedPostgres;
import fr.civis.vault.citizen.CitizenDirectory;
import fr.civis.vault.citizen.Owner;

/**
 * The reminder job on a real PostgreSQL, migrated by Flyway as the vault does: two instances running at the same
 * moment send each reminder once, later runs send nothing again, a failed send is retried, an opted-out citizen and a
 * paper long expired get nothing, and no e-mail names the paper.
 */
class ExpiryReminderJobTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final LocalDate TODAY = LocalDate.ofInstant(NOW, PARIS);

    /** What the relay took, in order. */
    private final ConcurrentLinkedQueue<SimpleMailMessage> sent = new ConcurrentLinkedQueue<>();
    /** Which instance sent each message. */
    private final ConcurrentLinkedQueue<String> senders = new ConcurrentLinkedQueue<>();
    private volatile boolean relayDown;

    @RegisterExtension
    static final MigratedPostgres DATABASE = new MigratedPostgres();

    @BeforeEach
    void empty() {
        DATABASE.jdbc().sql("TRUNCATE citizen_key CASCADE").update();
    }

    private ExpiryReminderJob instance() {
        return instance("vault");
    }

    private ExpiryReminderJob instance(String name) {
        CitizenDirectory directory = mock(CitizenDirectory.class);
        when(directory.contactOf(any())).thenAnswer(call -> Optional.of(new CitizenDirectory.Contact(
                call.getArgument(0, Owner.class).subject() + "@civis.localhost", Locale.FRENCH)));
        JavaMailSender relay = new JavaMailSenderImpl() {
            @Override
            public void send(SimpleMailMessage message) {
                try {
                    // A relay that takes its time: the other instance reaches the same reminder meanwhile.
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (relayDown) {
                    throw new MailSendException("relay down");
                }
                sent.add(message);
                senders.add(name);
            }
        };
        return new ExpiryReminderJob(DATABASE.jdbc(), new TransactionTemplate(new DataSourceTransactionManager(DATABASE.dataSource())),
                directory, relay, new ReminderProperties(30, 3, "ne-pas-repondre@civis.localhost",
                        URI.create("http://localhost:8082/")), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void twoInstancesAtOnceSendEachReminderOnceAndLaterRunsNothing() throws Exception {
        for (int i = 0; i < 20; i++) {
            paper("citizen-" + i, TODAY.plusDays(1 + i % 30));
        }
        ExpiryReminderJob first = instance("first");
        ExpiryReminderJob second = instance("second");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> runs = List.of(first, second).stream().map(job -> pool.<Void>submit(() -> {
                start.await();
                job.sendDue();
                return null;
            })).toList();
            start.countDown();
            for (Future<Void> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(sent).hasSize(20);
        assertThat(sent.stream().map(message -> message.getTo()[0]).distinct()).hasSize(20);
        // Both really ran over the same reminders: each sent some, neither sent one the other had.
        assertThat(senders).contains("first", "second");

        // Later runs, of either instance or of a restarted one, find every reminder recorded.
        first.sendDue();
        instance().sendDue();
        assertThat(sent).hasSize(20);
        assertThat(DATABASE.jdbc().sql("SELECT count(*) FROM expiry_reminder").query(Long.class).single()).isEqualTo(20);
    }

    @Test
    void soonThenOnTheDayNothingForTheOptedOutNorForPapersLongExpired() {
        UUID soon = paper("camille", TODAY.plusDays(30));
        paper("camille", TODAY.plusDays(31)); // not yet
        UUID due = paper("dominique", TODAY);
        paper("dominique", TODAY.minusDays(10)); // expired long ago: no late reminder
        paper("sacha", TODAY.plusDays(1));
        DATABASE.jdbc().sql("INSERT INTO reminder_opt_out (owner) VALUES ('sacha')").update();

        ExpiryReminderJob job = instance();
        assertThat(job.findDue(TODAY)).extracting(ExpiryReminderJob.Due::document, ExpiryReminderJob.Due::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(soon, ExpiryReminderJob.Kind.SOON),
                        org.assertj.core.groups.Tuple.tuple(due, ExpiryReminderJob.Kind.DUE));
        job.sendDue();
        assertThat(sent).extracting(message -> message.getTo()[0])
                .containsExactlyInAnyOrder("camille@civis.localhost", "dominique@civis.localhost");
        for (SimpleMailMessage message : sent) {
            assertThat(message.getSubject()).isEqualTo("Un de vos documents arrive à échéance");
            assertThat(message.getText()).doesNotContain("piece-identite");
        }
        // Each e-mail links to the portal's screen that replaces its own paper.
        assertThat(sent).extracting(SimpleMailMessage::getText).anySatisfy(text -> assertThat(text)
                .contains("http://localhost:8082/#/documents/" + soon + "/remplacer"));
        assertThat(sent).extracting(SimpleMailMessage::getText).anySatisfy(text -> assertThat(text)
                .contains("http://localhost:8082/#/documents/" + due + "/remplacer"));
        // On its last day, the paper that had its « soon » reminder gets its « due » one, once.
        assertThat(job.findDue(TODAY.plusDays(30))).extracting(ExpiryReminderJob.Due::document, ExpiryReminderJob.Due::kind)
                .contains(org.assertj.core.groups.Tuple.tuple(soon, ExpiryReminderJob.Kind.DUE));
    }

    @Test
    void aFailedSendIsRecordedNeitherSentAndGoesAtTheNextRun() {
        paper("camille", TODAY.plusDays(5));
        ExpiryReminderJob job = instance();
        relayDown = true;
        job.sendDue();
        assertThat(sent).isEmpty();
        assertThat(DATABASE.jdbc().sql("SELECT count(*) FROM expiry_reminder").query(Long.class).single()).isZero();

        relayDown = false;
        job.sendDue();
        assertThat(sent).hasSize(1);
    }

    @Test
    void aNewValidityDateIsANewPaperWithItsOwnReminders() {
        UUID paper = paper("camille", TODAY.plusDays(5));
        ExpiryReminderJob job = instance();
        job.sendDue();
        DATABASE.jdbc().sql("UPDATE document SET valid_until = :date WHERE id = :id")
                .param("date", Date.valueOf(TODAY.plusDays(6))).param("id", paper).update();
        job.sendDue();
        job.sendDue();
        assertThat(sent).hasSize(2);
        assertThatThrownBy(() -> DATABASE.jdbc().sql("INSERT INTO expiry_reminder (document_id, kind, valid_until) VALUES (:id, 'soon', :date)")
                .param("id", paper).param("date", Date.valueOf(TODAY.plusDays(6))).update())
                .hasMessageContaining("duplicate key");
    }

    /** A document row as the vault stores it (its sealed fields are opaque bytes here: the job never opens them). */
    private static UUID paper(String owner, LocalDate validUntil) {
        DATABASE.jdbc().sql("""
                INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (:owner, '\\x00', 'test')
                ON CONFLICT DO NOTHING
                """).param("owner", owner).update();
        UUID id = UUID.randomUUID();
        DATABASE.jdbc().sql("""
                INSERT INTO document (id, owner, type, title_sealed, filename_sealed, content_type, size_bytes, sha256,
                                      object_name, content_version, wrapped_key, valid_until, created_at, updated_at)
                VALUES (:id, :owner, 'piece-identite', '\\x01', '\\x02', 'application/pdf', 1, :sha256, :object, 1,
                        '\\x03', :validUntil, :now, :now)
                """)
                .param("id", id).param("owner", owner).param("sha256", new byte[32])
                .param("object", UUID.randomUUID().toString()).param("validUntil", Date.valueOf(validUntil))
                .param("now", Timestamp.from(NOW)).update();
        return id;
    }
}
