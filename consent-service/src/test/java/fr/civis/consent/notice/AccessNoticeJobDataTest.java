package fr.civis.consent.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mail.MailSendException;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.journal.JournalWriter;

/**
 * The access e-mail on real PostgreSQL, through the runtime role: one e-mail per access entry, none again after a
 * restart, none for a citizen who turned them off, and none lost when the relay was down.
 */
class AccessNoticeJobDataTest {

    private static final String ALICE = "0b6e3f1c-2a44-4c1b-9f51-6a0d3c2b1e01";
    private static final String BOB = "9f516a0d-3c2b-4c1b-0b6e-3f1c2a441e02";

    /** A relay that keeps what it was given, or refuses everything while {@code down}. */
    static final class Relay implements MailSender {
        final List<SimpleMailMessage> sent = new ArrayList<>();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public void send(SimpleMailMessage... messages) {
            if (down.get()) {
                throw new MailSendException("relay down");
            }
            sent.addAll(List.of(messages));
        }
    }

    private HikariDataSource runtime;
    private JournalWriter writer;
    private JdbcClient jdbc;
    private final Relay relay = new Relay();

    @BeforeEach
    void setUp() {
        runtime = TestDatabase.create().runtime();
        writer = new JournalWriter(runtime, Clock.systemUTC(), 100, Duration.ofSeconds(10));
        jdbc = JdbcClient.create(runtime);
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
    }

    /** A job as a fresh instance (or a restarted one) would run it, over the same database. */
    private AccessNoticeJob job() {
        return new AccessNoticeJob(jdbc, new TransactionTemplate(new DataSourceTransactionManager(runtime)),
                subject -> Optional.of(new AccessNoticeJob.Contact(subject + "@example.org",
                        BOB.equals(subject) ? Locale.ENGLISH : Locale.FRENCH)),
                relay, new AccessNoticeProperties(Duration.ofDays(7), "ne-pas-repondre@civis.localhost",
                        URI.create("http://portal.test/")), Clock.systemUTC());
    }

    private UUID access(String subject) {
        UUID document = UUID.randomUUID();
        writer.append(Event.of("access").actor("civis-vault").subject(subject).recipient("mairie-demo")
                .consentId(UUID.randomUUID()).documentId(document).purpose("inscription-creche")
                .digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"));
        return document;
    }

    @Test
    void each_access_is_mailed_once_and_never_again_after_a_restart() {
        UUID document = access(ALICE);
        access(BOB);
        writer.append(Event.of("grant").actor("civis-vault").subject(ALICE).recipient("mairie-demo"));
        writer.append(Event.of("denial").actor("civis-vault").subject(ALICE).recipient("mairie-demo"));

        job().deliver();
        job().deliver();

        assertThat(relay.sent).hasSize(2);
        SimpleMailMessage french = relay.sent.getFirst();
        assertThat(french.getTo()).containsExactly(ALICE + "@example.org");
        assertThat(french.getSubject()).isEqualTo("Un de vos documents a été consulté");
        assertThat(french.getText()).contains("http://portal.test/#/documents/" + document + "/consultations")
                .doesNotContain("mairie-demo").doesNotContain("inscription-creche");
        assertThat(relay.sent.get(1).getSubject()).isEqualTo("One of your documents was accessed");
    }

    @Test
    void a_citizen_who_turned_them_off_gets_none_and_the_access_is_handled() {
        new AccessNoticeSettings(jdbc).set(ALICE, false);
        access(ALICE);

        job().deliver();

        assertThat(relay.sent).isEmpty();
        assertThat(jdbc.sql("SELECT outcome FROM access_notice").query(String.class).list()).containsExactly("opted-out");
        new AccessNoticeSettings(jdbc).set(ALICE, true);
        assertThat(new AccessNoticeSettings(jdbc).enabled(ALICE)).isTrue();
        access(ALICE);
        job().deliver();
        assertThat(relay.sent).hasSize(1);
    }

    @Test
    void an_access_the_relay_refused_is_not_lost_the_next_run_sends_it() {
        access(ALICE);
        relay.down.set(true);

        job().deliver();

        assertThat(relay.sent).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM access_notice").query(Long.class).single()).isZero();
        relay.down.set(false);
        job().deliver();
        assertThat(relay.sent).hasSize(1);
    }
}
