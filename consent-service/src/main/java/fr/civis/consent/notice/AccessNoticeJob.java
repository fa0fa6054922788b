package fr.civis.consent.notice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.MailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.HttpClientErrorException;

import fr.civis.common.CityTime;
import fr.civis.consent.keycloak.KeycloakAdmin;
import tools.jackson.databind.JsonNode;

/**
 * E-mails a citizen when a service accessed one of their documents. The journal's {@code access} entry is the
 * durable record of the act, committed before the vault sends a byte; this job delivers from it, as the vault's
 * expiry reminders do (ADR 0022): each e-mail is handed to the relay in the transaction that inserts its
 * {@code access_notice} row, keyed by the entry's seq, so one instance only sends it, ever, and a restart finds what
 * was done (docs/adr/0025). Neither subject nor body names the document, its type or the service.
 */
@Component
class AccessNoticeJob {

    static final String SUBJECT_FR = "Un de vos documents a été consulté";
    static final String SUBJECT_EN = "One of your documents was accessed";

    private static final Logger log = LoggerFactory.getLogger(AccessNoticeJob.class);
    /** Accesses looked at per run; the next run takes the rest. */
    private static final int BATCH = 200;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Function<String, Optional<Contact>> contacts;
    private final MailSender mail;
    private final AccessNoticeProperties settings;
    private final Clock clock;

    @Autowired
    AccessNoticeJob(JdbcClient jdbc, TransactionTemplate transaction, KeycloakAdmin keycloak, MailSender mail,
            AccessNoticeProperties settings, Clock clock) {
        this(jdbc, transaction, subject -> contactOf(keycloak, subject), mail, settings, clock);
    }

    AccessNoticeJob(JdbcClient jdbc, TransactionTemplate transaction, Function<String, Optional<Contact>> contacts,
            MailSender mail, AccessNoticeProperties settings, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.contacts = contacts;
        this.mail = mail;
        this.settings = settings;
        this.clock = clock;
    }

    record Access(long seq, String subject, UUID documentId, Instant at) {
    }

    record Contact(String email, Locale locale) {
    }

    @Scheduled(initialDelayString = "${civis.access-notices.initial-delay:PT10S}",
            fixedDelayString = "${civis.access-notices.interval:PT10S}")
    void deliver() {
        for (Access access : pending()) {
            try {
                transaction.executeWithoutResult(status -> handle(access));
            } catch (RuntimeException e) {
                // The relay or Keycloak is down: nothing was recorded, the next run sends it.
                log.warn("An access e-mail could not be sent, retried at the next run: {}", e.getClass().getSimpleName());
                return;
            }
        }
    }

    /** Access entries not handled yet, oldest first, within the catch-up period (redacted ones name nobody). */
    List<Access> pending() {
        return jdbc.sql("""
                SELECT j.seq, j.subject, j.document_id, j.recorded_at FROM journal_entry j
                WHERE j.kind = 'access' AND j.subject IS NOT NULL AND j.purged_at IS NULL
                  AND j.recorded_at >= :oldest
                  AND NOT EXISTS (SELECT 1 FROM access_notice n WHERE n.entry_seq = j.seq)
                ORDER BY j.seq
                LIMIT :batch
                """)
                .param("oldest", OffsetDateTime.ofInstant(clock.instant().minus(settings.catchUp()), CityTime.ZONE))
                .param("batch", BATCH)
                .query((row, n) -> new Access(row.getLong(1), row.getString(2), row.getObject(3, UUID.class),
                        row.getObject(4, OffsetDateTime.class).toInstant()))
                .list();
    }

    /**
     * Claims the entry, then sends, in one transaction. A second instance handling the same entry blocks on the
     * uncommitted row and then sends nothing. A crash after the relay took the message and before the commit sends
     * it again at the next run: a rare second e-mail rather than a lost one (ADR 0022, ADR 0025).
     */
    private void handle(Access access) {
        boolean optedOut = jdbc.sql("SELECT EXISTS (SELECT 1 FROM access_notice_opt_out WHERE subject = :subject)")
                .param("subject", access.subject()).query(Boolean.class).single();
        Optional<Contact> contact = optedOut ? Optional.empty() : contacts.apply(access.subject());
        String outcome = optedOut ? "opted-out" : contact.isEmpty() ? "no-address" : "sent";
        int claimed = jdbc.sql("INSERT INTO access_notice (entry_seq, handled_at, outcome) VALUES (:seq, now(), :outcome) "
                        + "ON CONFLICT DO NOTHING")
                .param("seq", access.seq()).param("outcome", outcome).update();
        if (claimed == 1 && contact.isPresent()) {
            mail.send(message(contact.get(), access));
        }
    }

    /** The citizen's address and language in Keycloak; empty for an account gone or without e-mail. */
    private static Optional<Contact> contactOf(KeycloakAdmin keycloak, String subject) {
        try {
            JsonNode user = keycloak.get("/users/" + URLEncoder.encode(subject, StandardCharsets.UTF_8));
            if (user == null || !user.hasNonNull("email")) {
                return Optional.empty();
            }
            JsonNode locale = user.path("attributes").path("locale");
            String language = locale.isArray() && !locale.isEmpty() ? locale.get(0).asString() : "fr";
            return Optional.of(new Contact(user.get("email").asString(),
                    "en".equals(language) ? Locale.ENGLISH : Locale.FRENCH));
        } catch (HttpClientErrorException.NotFound gone) {
            return Optional.empty();
        }
    }

    SimpleMailMessage message(Contact contact, Access access) {
        boolean english = contact.locale().getLanguage().equals("en");
        String when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(english ? Locale.ENGLISH : Locale.FRENCH).format(access.at().atZone(CityTime.ZONE));
        String base = settings.portalUrl().toString();
        String link = (base.endsWith("/") ? base : base + "/")
                + (access.documentId() == null ? "" : "#/documents/" + access.documentId() + "/consultations");
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(settings.mailFrom());
        message.setTo(contact.email());
        if (english) {
            message.setSubject(SUBJECT_EN);
            message.setText("""
                    Hello,

                    A service you shared a document with accessed it on %s.
                    To see which service, for what purpose, and to report it to the data protection officer if it
                    looks wrong, sign in to your access history: %s

                    You can turn these e-mails off in "My account".
                    This message was sent automatically; please do not reply.
                    """.formatted(when, link));
        } else {
            message.setSubject(SUBJECT_FR);
            message.setText("""
                    Bonjour,

                    Un service avec lequel vous avez partagé un document l'a consulté le %s.
                    Pour savoir quel service, dans quel but, et le signaler au délégué à la protection des données
                    si cela vous paraît anormal, connectez-vous à l'historique des consultations : %s

                    Vous pouvez couper ces courriels dans « Mon compte ».
                    Ce message est envoyé automatiquement, merci de ne pas y répondre.
                    """.formatted(when, link));
        }
        return message;
    }
}
