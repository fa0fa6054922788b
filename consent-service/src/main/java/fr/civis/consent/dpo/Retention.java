package fr.civis.consent.dpo;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.CityTime;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.journal.JournalEntry;

/**
 * Redacts the journal's entries past their retention (V7): accesses and denials, security events, and the entries of
 * consents ended long enough ago; then deletes those consents once no entry names them any more (V9). Only entries a
 * signed checkpoint covers are eligible, so {@code verify} still passes. The redaction and its history row commit together; the {@code retention.purge} journal entry follows, and a
 * run that finds a history row without its entry (a crash came in between) writes it first.
 */
@Service
public class Retention {

    /** A purge as the console lists it. */
    record Purge(UUID id, Instant ranAt, long anchoredSize, Instant accessCutoff, Instant securityCutoff,
            Instant consentCutoff, int accessEvents, int securityEvents, int consentEvents, int consentsDeleted,
            Long journalEntry) {
    }

    static final List<String> ACCESS_KINDS = List.of("access", "denial");
    static final List<String> CONSENT_KINDS = List.of("grant", "refusal", "revocation", "ending");
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final String REDACT = "UPDATE journal_entry SET actor = NULL, subject = NULL, consent_id = NULL, "
            + "document_id = NULL, reason = NULL, digest = NULL, details = NULL, purged_at = :now "
            + "WHERE purged_at IS NULL AND seq <= :anchored AND ";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Function<JournalEntry.Event, JournalEntry> journal;
    private final RetentionProperties settings;
    private final Clock clock;

    @Autowired
    Retention(JdbcClient jdbc, TransactionTemplate transactions, Journal journal, RetentionProperties settings,
            Clock clock) {
        this(jdbc, transactions, journal::append, settings, clock);
    }

    Retention(JdbcClient jdbc, TransactionTemplate transactions, Function<JournalEntry.Event, JournalEntry> journal,
            RetentionProperties settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.journal = journal;
        this.settings = settings;
        this.clock = clock;
    }

    RetentionProperties settings() {
        return settings;
    }

    @Scheduled(cron = "${civis.retention.schedule:0 30 3 * * *}", zone = CityTime.ZONE_ID)
    void scheduled() {
        try {
            Purge purge = purge("scheduler");
            log.info("Retention purge: {} access, {} security, {} consent entries redacted", purge.accessEvents(),
                    purge.securityEvents(), purge.consentEvents());
        } catch (RuntimeException e) {
            log.warn("Retention purge failed: {}", e.getClass().getName());
        }
    }

    /** Redacts what is past retention now, records the purge, journals it; {@code by}: who asked (a DPO's sub). */
    Purge purge(String by) {
        journalPending(by);
        Instant now = clock.instant();
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime accessCutoff = cutoff(now, settings.accessEvents());
        OffsetDateTime securityCutoff = cutoff(now, settings.securityEvents());
        OffsetDateTime consentCutoff = cutoff(now, settings.endedConsents());
        UUID id = UUID.randomUUID();
        Purge purge = transactions.execute(status -> {
            long anchored = jdbc.sql("SELECT coalesce(max(size), 0) FROM journal_checkpoint").query(Long.class).single();
            int access = jdbc.sql(REDACT + "kind = ANY(:kinds) AND recorded_at < :cutoff")
                    .param("now", at).param("anchored", anchored)
                    .param("kinds", ACCESS_KINDS.toArray(String[]::new)).param("cutoff", accessCutoff).update();
            int security = jdbc.sql(REDACT + "kind LIKE 'security.%' AND recorded_at < :cutoff")
                    .param("now", at).param("anchored", anchored).param("cutoff", securityCutoff).update();
            // A consent's entries go once the consent itself ended (revoked, or expired) long enough ago.
            int consent = jdbc.sql(REDACT + "kind = ANY(:kinds) AND consent_id IN (SELECT id FROM consent "
                    + "WHERE coalesce(revoked_at, expires_at) < :cutoff)")
                    .param("now", at).param("anchored", anchored)
                    .param("kinds", CONSENT_KINDS.toArray(String[]::new)).param("cutoff", consentCutoff).update();
            // Then the consent itself, once no entry names it: an access kept longer than its consent keeps it too.
            int deleted = jdbc.sql("DELETE FROM consent c WHERE coalesce(c.revoked_at, c.expires_at) < :cutoff "
                    + "AND NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.consent_id = c.id)")
                    .param("cutoff", consentCutoff).update();
            jdbc.sql("INSERT INTO retention_purge (id, ran_at, anchored_size, access_cutoff, security_cutoff, "
                    + "consent_cutoff, access_events, security_events, consent_events, consents_deleted) VALUES (:id, "
                    + ":now, :anchored, :access, :security, :consent, :accessCount, :securityCount, :consentCount, "
                    + ":deleted)")
                    .param("id", id).param("now", at).param("anchored", anchored).param("access", accessCutoff)
                    .param("security", securityCutoff).param("consent", consentCutoff).param("accessCount", access)
                    .param("securityCount", security).param("consentCount", consent).param("deleted", deleted)
                    .update();
            return new Purge(id, now, anchored, accessCutoff.toInstant(), securityCutoff.toInstant(),
                    consentCutoff.toInstant(), access, security, consent, deleted, null);
        });
        long seq = journalPurge(purge, by);
        return new Purge(purge.id(), purge.ranAt(), purge.anchoredSize(), purge.accessCutoff(), purge.securityCutoff(),
                purge.consentCutoff(), purge.accessEvents(), purge.securityEvents(), purge.consentEvents(),
                purge.consentsDeleted(), seq);
    }

    /** The purges, newest first. */
    List<Purge> history(int limit) {
        return jdbc.sql("SELECT id, ran_at, anchored_size, access_cutoff, security_cutoff, consent_cutoff, "
                + "access_events, security_events, consent_events, consents_deleted, journal_seq FROM retention_purge "
                + "ORDER BY ran_at DESC LIMIT :limit").param("limit", limit)
                .query((row, n) -> new Purge(row.getObject(1, UUID.class), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getLong(3), instant(row.getObject(4, OffsetDateTime.class)),
                        instant(row.getObject(5, OffsetDateTime.class)), instant(row.getObject(6, OffsetDateTime.class)),
                        row.getInt(7), row.getInt(8), row.getInt(9), row.getInt(10), (Long) row.getObject(11)))
                .list();
    }

    /** Purges recorded but not journaled (a crash between the two): journaled now, before anything else. */
    private void journalPending(String by) {
        history(1000).stream().filter(purge -> purge.journalEntry() == null).forEach(purge -> journalPurge(purge, by));
    }

    private long journalPurge(Purge purge, String by) {
        JournalEntry entry = journal.apply(JournalEntry.Event.of("retention.purge").actor(by)
                .reason("purge " + purge.id() + " : " + purge.accessEvents() + " accès, " + purge.securityEvents()
                        + " événements de sécurité, " + purge.consentEvents() + " consentements, "
                        + purge.consentsDeleted() + " consentements terminés supprimés ; jusqu'à l'entrée "
                        + purge.anchoredSize()));
        jdbc.sql("UPDATE retention_purge SET journal_seq = :seq WHERE id = :id AND journal_seq IS NULL")
                .param("seq", entry.seq()).param("id", purge.id()).update();
        return entry.seq();
    }

    private static OffsetDateTime cutoff(Instant now, java.time.Period period) {
        return now.atZone(CityTime.ZONE).minus(period).toOffsetDateTime();
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
