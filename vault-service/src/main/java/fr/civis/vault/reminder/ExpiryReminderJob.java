package fr.civis.vault.reminder;

import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.CityTime;
import fr.civis.vault.citizen.CitizenDirectory;
import fr.civis.vault.citizen.Owner;

/**
 * E-mails a citizen before one of their papers expires: once {@code soonDays} before, once on the day. Each reminder
 * is sent in the transaction that inserts its row in {@code expiry_reminder}: the row's key lets one instance only
 * send it, ever; a concurrent instance waits for that transaction and then finds the row (docs/adr/0022).
 * Neither the subject nor the body names the paper: an e-mail is read on lock screens and shared computers.
 */
@Component
class ExpiryReminderJob {

    static final String SUBJECT_FR = "Un de vos documents arrive à échéance";
    static final String SUBJECT_EN = "One of your documents is about to expire";

    private static final Logger log = LoggerFactory.getLogger(ExpiryReminderJob.class);
    /** Papers looked at per run; the next run takes the rest. */
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final CitizenDirectory directory;
    private final JavaMailSender mail;
    private final ReminderProperties settings;
    private final Clock clock;

    ExpiryReminderJob(JdbcClient jdbc, TransactionTemplate transaction, CitizenDirectory directory,
            JavaMailSender mail, ReminderProperties settings, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.directory = directory;
        this.mail = mail;
        this.settings = settings;
        this.clock = clock;
    }

    /** soon: {@code soonDays} before the end of validity; due: on the day (or within the catch-up days after). */
    enum Kind {
        SOON, DUE
    }

    record Due(UUID document, Owner owner, LocalDate validUntil, Kind kind) {
    }

    @Scheduled(initialDelayString = "${civis.reminders.initial-delay:PT2M}",
            fixedDelayString = "${civis.reminders.interval:PT1H}")
    void sendDue() {
        LocalDate today = CityTime.today(clock);
        for (Due due : findDue(today)) {
            try {
                transaction.executeWithoutResult(status -> send(due, today));
            } catch (RuntimeException e) {
                // The relay or Keycloak is down: nothing was recorded, the next run sends it.
                log.warn("An expiry reminder could not be sent, retried at the next run: {}", e.getClass().getSimpleName());
                return;
            }
        }
    }

    /**
     * The papers whose reminder is owed and not yet sent, for citizens who did not turn reminders off and whose safe
     * is not closing (a paper can no longer be replaced there).
     */
    List<Due> findDue(LocalDate today) {
        return jdbc.sql("""
                SELECT d.id, d.owner, d.valid_until,
                       CASE WHEN d.valid_until > :today THEN 'soon' ELSE 'due' END AS kind
                FROM document d JOIN citizen_key k ON k.owner = d.owner
                WHERE d.valid_until BETWEEN :oldest AND :latest
                  AND (k.retrieval_only_from IS NULL OR k.retrieval_only_from > now())
                  AND NOT EXISTS (SELECT 1 FROM reminder_opt_out o WHERE o.owner = d.owner)
                  AND NOT EXISTS (SELECT 1 FROM expiry_reminder r
                                  WHERE r.document_id = d.id AND r.valid_until = d.valid_until
                                    AND r.kind = CASE WHEN d.valid_until > :today THEN 'soon' ELSE 'due' END)
                ORDER BY d.valid_until, d.id
                LIMIT :batch
                """)
                .param("today", Date.valueOf(today))
                .param("oldest", Date.valueOf(today.minusDays(settings.catchUpDays())))
                .param("latest", Date.valueOf(today.plusDays(settings.soonDays())))
                .param("batch", BATCH)
                .query((rs, n) -> new Due(rs.getObject("id", UUID.class), new Owner(rs.getString("owner")),
                        rs.getDate("valid_until").toLocalDate(), Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT))))
                .list();
    }

    /**
     * Claims the reminder, then sends it, in one transaction. The insert re-checks the paper (same validity date,
     * still there) and the citizen's choice, which may have changed since {@link #findDue}. A crash after the relay
     * took the message but before the commit sends it again at the next run: we err on the side of a rare second
     * e-mail rather than a lost one (ADR 0022).
     */
    private void send(Due due, LocalDate today) {
        int claimed = jdbc.sql("""
                INSERT INTO expiry_reminder (document_id, kind, valid_until)
                SELECT d.id, :kind, d.valid_until FROM document d
                WHERE d.id = :id AND d.valid_until = :validUntil
                  AND NOT EXISTS (SELECT 1 FROM reminder_opt_out o WHERE o.owner = d.owner)
                ON CONFLICT DO NOTHING
                """)
                .param("kind", due.kind().name().toLowerCase(Locale.ROOT)).param("id", due.document())
                .param("validUntil", Date.valueOf(due.validUntil())).update();
        if (claimed == 0) {
            return; // sent by another instance, or no longer owed
        }
        Optional<CitizenDirectory.Contact> contact = directory.contactOf(due.owner());
        if (contact.isEmpty()) {
            log.warn("An expiry reminder has no address to go to (account gone or without e-mail)");
            return;
        }
        mail.send(message(contact.get(), due, today));
    }

    SimpleMailMessage message(CitizenDirectory.Contact contact, Due due, LocalDate today) {
        boolean english = contact.locale().getLanguage().equals("en");
        String date = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
                .withLocale(english ? Locale.ENGLISH : Locale.FRENCH).format(due.validUntil());
        boolean past = due.validUntil().isBefore(today);
        // The portal's screen that opens this very paper, ready to be replaced: only its opaque id in the address,
        // and the portal reads it with the citizen's own token (another account gets a 404).
        String link = replaceLink(due.document());
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(settings.mailFrom());
        message.setTo(contact.email());
        if (english) {
            message.setSubject(SUBJECT_EN);
            message.setText("""
                    Hello,

                    A document in your document safe %s on %s.
                    To replace it, open this link and sign in: %s

                    You can turn these reminders off in "My account".
                    This message was sent automatically; please do not reply.
                    """.formatted(past ? "expired" : "expires", date, link));
        } else {
            message.setSubject(SUBJECT_FR);
            message.setText("""
                    Bonjour,

                    Un document de votre coffre-fort numérique %s le %s.
                    Pour le remplacer, ouvrez ce lien et connectez-vous : %s

                    Vous pouvez couper ces rappels dans « Mon compte ».
                    Ce message est envoyé automatiquement, merci de ne pas y répondre.
                    """.formatted(past ? "est arrivé à échéance" : "arrive à échéance", date, link));
        }
        return message;
    }

    /** {portal}/#/documents/{id}/remplacer: the fragment stays in the browser, the id says nothing of the paper. */
    String replaceLink(UUID document) {
        return settings.portalUrl().resolve("#/documents/" + document + "/remplacer").toString();
    }
}
