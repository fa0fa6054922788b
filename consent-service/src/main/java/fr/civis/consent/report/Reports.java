package fr.civis.consent.report;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.journal.Canonical;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.journal.JournalEntry;
import fr.civis.consent.journal.JournalEntry.Event;
import fr.civis.consent.receipt.Receipts;

/**
 * « Signaler au DPO » (docs/adr/0025): a citizen's report on journal entries about themselves, carrying an extract of
 * those entries signed with the journal's key (ES256), and the DPO's follow-up. Every act is journaled before it
 * takes effect, as consents are: the report, then its row; each change of status, then the change.
 */
@Service
public class Reports {

    /** The kinds a citizen sees in their access history: the only ones they may report. */
    static final List<String> HISTORY_KINDS = List.of("grant", "access", "denial", "refusal", "revocation", "ending");
    static final List<String> STATUSES = List.of("new", "in-progress", "answered");
    static final int MAX_ENTRIES = 50;
    static final int MAX_TEXT = 2000;

    /** A report as its citizen and the DPO see it; {@code subject} is left to the caller to show or pseudonymise. */
    public record Report(UUID id, String subject, Instant createdAt, List<Long> entryIds, String comment,
            String extract, String status, String note, Instant updatedAt) {
    }

    /** An entry of the extract against the journal today: does the journal still hold the hash that was signed? */
    public record EntryCheck(long entryId, boolean matches) {
    }

    /** The DPO's check of a report's extract: a valid signature, and every entry's hash still the journal's. */
    public record ExtractCheck(boolean signatureValid, boolean ok, List<EntryCheck> entries) {
    }

    private final JdbcClient jdbc;
    private final Function<Event, JournalEntry> journal;
    private final Receipts receipts;
    private final Clock clock;

    @Autowired
    Reports(JdbcClient jdbc, Journal journal, Receipts receipts, Clock clock) {
        this(jdbc, journal::append, receipts, clock);
    }

    Reports(JdbcClient jdbc, Function<Event, JournalEntry> journal, Receipts receipts, Clock clock) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.receipts = receipts;
        this.clock = clock;
    }

    /**
     * Reports entries about {@code subject} to the DPO. An entry that does not exist, or is about somebody else, or
     * is not one of the history's kinds, is 404 {@code journal-entry-not-found} for the whole report: the answer does
     * not tell the two apart, so nobody learns that an entry exists about another citizen.
     */
    Report create(String subject, Collection<Long> entryIds, String comment) {
        List<Long> ids = entryIds.stream().filter(Objects::nonNull).distinct().sorted().toList();
        String text = comment == null ? "" : comment.strip();
        if (ids.isEmpty() || ids.size() != entryIds.size() || ids.size() > MAX_ENTRIES || ids.getFirst() < 1
                || text.isEmpty() || text.length() > MAX_TEXT) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "report-invalid");
        }
        List<Map<String, Object>> entries = jdbc.sql("""
                SELECT seq, recorded_at, kind, recipient, consent_id, document_id, purpose, reason, digest, hash
                FROM journal_entry
                WHERE seq = ANY (:ids) AND subject = :subject AND kind IN (:kinds)
                ORDER BY seq
                """)
                .param("ids", ids.toArray(Long[]::new)).param("subject", subject).param("kinds", HISTORY_KINDS)
                .query((row, n) -> extractEntry(row)).list();
        if (entries.size() != ids.size()) {
            throw new ProblemException(HttpStatus.NOT_FOUND, "journal-entry-not-found");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", id.toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("report", id.toString());
        claims.put("entries", entries);
        String extract = receipts.signExtract(claims);
        // The entry names the citizen as actor only: a subject would show it in their own history as an access.
        journal.apply(Event.of("dpo.report").actor(subject).reason("signalement " + id + ", entrées " + ids));
        jdbc.sql("""
                INSERT INTO dpo_report (id, subject, created_at, entry_seqs, comment, extract, status, updated_at)
                VALUES (:id, :subject, :at, :seqs, :comment, :extract, 'new', :at)
                """)
                .param("id", id).param("subject", subject).param("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("seqs", ids.toArray(Long[]::new)).param("comment", text).param("extract", extract).update();
        return new Report(id, subject, now, ids, text, extract, "new", null, now);
    }

    /** The citizen's own reports, newest first. */
    List<Report> of(String subject) {
        return jdbc.sql(SELECT + " WHERE subject = :subject ORDER BY created_at DESC, id LIMIT 200")
                .param("subject", subject).query((row, n) -> report(row)).list();
    }

    /** Every report, newest first, for the DPO's console. */
    public List<Report> all(int limit) {
        return jdbc.sql(SELECT + " ORDER BY created_at DESC, id LIMIT :limit").param("limit", limit)
                .query((row, n) -> report(row)).list();
    }

    public Report one(UUID id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query((row, n) -> report(row)).optional()
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "report-not-found"));
    }

    /**
     * The DPO moves a report forward (new → in progress → answered) with a note; journaled first, with the note's
     * SHA-256 as the entry's digest, so the journal proves which note went with which change without holding it.
     */
    @Transactional
    public Report follow(UUID id, String status, String note, String dpo) {
        String text = note == null ? null : note.strip();
        if (!STATUSES.contains(status) || "new".equals(status) || (text != null && text.length() > MAX_TEXT)) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "report-invalid");
        }
        if ("answered".equals(status) && (text == null || text.isEmpty())) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "report-note-required");
        }
        Report report = jdbc.sql(SELECT + " WHERE id = :id FOR UPDATE").param("id", id).query((row, n) -> report(row))
                .optional().orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "report-not-found"));
        if ("answered".equals(report.status())) {
            throw new ProblemException(HttpStatus.CONFLICT, "report-closed");
        }
        String kept = text == null || text.isEmpty() ? report.note() : text;
        journal.apply(Event.of("dpo.report-status").actor(dpo).reason("signalement " + id + " : " + status)
                .digest(kept == null ? null : sha256(kept)));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("UPDATE dpo_report SET status = :status, note = :note, updated_at = :at, updated_by = :dpo WHERE id = :id")
                .param("status", status).param("note", kept).param("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("dpo", dpo).param("id", id).update();
        return new Report(id, report.subject(), report.createdAt(), report.entryIds(), report.comment(),
                report.extract(), status, kept, now);
    }

    /**
     * Checks a report's extract: its signature with the journal's keys, and each entry's hash against the journal
     * today. The journal's own {@code verify} proves that those hashes are the chain's.
     */
    public ExtractCheck check(Report report) {
        Optional<Map<String, Object>> claims = receipts.verifyExtract(report.extract());
        if (claims.isEmpty() || !report.id().toString().equals(claims.get().get("report"))) {
            return new ExtractCheck(false, false, List.of());
        }
        Map<Long, String> signed = new HashMap<>();
        if (claims.get().get("entries") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> entry && entry.get("entryId") instanceof Number seq
                        && entry.get("hash") instanceof String hash) {
                    signed.put(seq.longValue(), hash);
                }
            }
        }
        Map<Long, String> current = new HashMap<>();
        jdbc.sql("SELECT seq, hash FROM journal_entry WHERE seq = ANY (:ids)")
                .param("ids", report.entryIds().toArray(Long[]::new))
                .query((row, n) -> current.put(row.getLong(1), Canonical.hex(row.getBytes(2)))).list();
        List<EntryCheck> checks = new ArrayList<>();
        for (Long seq : report.entryIds()) {
            checks.add(new EntryCheck(seq, signed.containsKey(seq) && signed.get(seq).equals(current.get(seq))));
        }
        boolean ok = signed.size() == report.entryIds().size() && checks.stream().allMatch(EntryCheck::matches);
        return new ExtractCheck(true, ok, checks);
    }

    private static final String SELECT = "SELECT id, subject, created_at, entry_seqs, comment, extract, status, note, "
            + "updated_at FROM dpo_report";

    private static Report report(ResultSet row) throws SQLException {
        Array seqs = row.getArray(4);
        List<Long> ids = List.of((Long[]) seqs.getArray());
        return new Report(row.getObject(1, UUID.class), row.getString(2),
                row.getObject(3, OffsetDateTime.class).toInstant(), ids, row.getString(5), row.getString(6),
                row.getString(7), row.getString(8), row.getObject(9, OffsetDateTime.class).toInstant());
    }

    /** An entry as the extract carries it: what the citizen saw, and the hash that binds it to the chain. */
    private static Map<String, Object> extractEntry(ResultSet row) throws SQLException {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("entryId", row.getLong(1));
        entry.put("recordedAt", row.getObject(2, OffsetDateTime.class).toInstant().toString());
        entry.put("kind", row.getString(3));
        putIfSet(entry, "recipient", row.getString(4));
        putIfSet(entry, "consentId", row.getObject(5, UUID.class));
        putIfSet(entry, "documentId", row.getObject(6, UUID.class));
        putIfSet(entry, "purpose", row.getString(7));
        putIfSet(entry, "reason", row.getString(8));
        putIfSet(entry, "digest", row.getString(9));
        entry.put("hash", Canonical.hex(row.getBytes(10)));
        return entry;
    }

    private static void putIfSet(Map<String, Object> entry, String key, Object value) {
        if (value != null) {
            entry.put(key, value.toString());
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
