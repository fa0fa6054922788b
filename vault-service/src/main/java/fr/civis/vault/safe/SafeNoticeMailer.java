package fr.civis.vault.safe;

import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Optional;

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
import fr.civis.vault.citizen.SafeStates;

/**
 * Sends the notices the outbox holds, one transaction each: a notice is marked sent only once the relay took it,
 * so a crash sends it again rather than never; several vault instances never take the same row.
 */
@Component
class SafeNoticeMailer {

    private static final Logger log = LoggerFactory.getLogger(SafeNoticeMailer.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final CitizenDirectory directory;
    private final JavaMailSender mail;
    private final Safes safes;
    private final SafeProperties settings;

    SafeNoticeMailer(JdbcClient jdbc, TransactionTemplate transaction, CitizenDirectory directory, JavaMailSender mail,
            Safes safes, SafeProperties settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.directory = directory;
        this.mail = mail;
        this.safes = safes;
        this.settings = settings;
    }

    @Scheduled(initialDelayString = "${civis.safe.notice-initial-delay:PT10S}",
            fixedDelayString = "${civis.safe.notice-interval:PT1M}")
    void sendPending() {
        boolean more = true;
        while (more) {
            try {
                more = Boolean.TRUE.equals(transaction.execute(status -> sendOne()));
            } catch (RuntimeException e) {
                log.warn("A safe notice could not be sent, retried at the next run: {}", e.getClass().getSimpleName());
                more = false;
            }
        }
    }

    /** Sends the oldest pending notice; false when none is left. */
    private boolean sendOne() {
        Optional<Notice> pending = jdbc.sql("""
                SELECT id, owner FROM safe_notice WHERE sent_at IS NULL ORDER BY created_at
                LIMIT 1 FOR UPDATE SKIP LOCKED
                """).query((rs, n) -> new Notice(rs.getLong("id"), new Owner(rs.getString("owner")))).optional();
        if (pending.isEmpty()) {
            return false;
        }
        Notice notice = pending.get();
        jdbc.sql("UPDATE safe_notice SET attempts = attempts + 1 WHERE id = :id").param("id", notice.id()).update();
        Optional<CitizenDirectory.Contact> contact = directory.contactOf(notice.owner());
        if (contact.isPresent()) {
            mail.send(cityClosure(contact.get(), safes.state(notice.owner())));
        } else {
            log.warn("Safe notice {} has no address to go to (account gone or without e-mail)", notice.id());
        }
        jdbc.sql("UPDATE safe_notice SET sent_at = now() WHERE id = :id").param("id", notice.id()).update();
        return true;
    }

    private SimpleMailMessage cityClosure(CitizenDirectory.Contact contact, SafeStates.State state) {
        boolean english = contact.locale().getLanguage().equals("en");
        DateTimeFormatter date = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
                .withLocale(english ? Locale.ENGLISH : Locale.FRENCH).withZone(CityTime.ZONE);
        String from = date.format(state.retrievalOnlyFrom());
        String until = date.format(state.retrievalOnlyUntil());
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(settings.mailFrom());
        message.setTo(contact.email());
        if (english) {
            message.setSubject("Your document safe will close on " + from);
            message.setText("""
                    Hello,

                    The city has decided to close your document safe, which has not been used for a long time.
                    Until %s, nothing changes: you can use it as usual.
                    From %s, you will only be able to view and download your documents, until %s.
                    After that date, your documents will be destroyed for good.

                    To keep a copy, sign in and choose "Download everything": %s

                    This message was sent automatically; please do not reply.
                    """.formatted(from, from, until, settings.portalUrl()));
        } else {
            message.setSubject("Votre coffre-fort numérique fermera le " + from);
            message.setText("""
                    Bonjour,

                    La ville a décidé de fermer votre coffre-fort numérique, qui n'est plus utilisé depuis longtemps.
                    Jusqu'au %s, rien ne change : vous pouvez l'utiliser comme d'habitude.
                    À partir du %s, vous pourrez seulement consulter et télécharger vos documents, jusqu'au %s.
                    Après cette date, vos documents seront détruits définitivement.

                    Pour en garder une copie, connectez-vous et choisissez « Tout télécharger » : %s

                    Ce message est envoyé automatiquement, merci de ne pas y répondre.
                    """.formatted(from, from, until, settings.portalUrl()));
        }
        return message;
    }

    private record Notice(long id, Owner owner) {
    }
}
