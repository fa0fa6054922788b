package fr.civis.consent.dpo;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's search as SQL with positional parameters: the journal's entries of some kinds, filtered by service,
 * purpose, a document type their consent covers, period and position, newest first. Plain Java (no Spring), so that
 * the benchmark (bench, ConsoleSearch) runs this very query over a million entries.
 */
public record ConsoleQuery(String sql, List<Object> params) {

    static final String SELECT = "SELECT e.seq, e.recorded_at, e.kind, e.recipient, e.purpose, "
            + "c.document_types, e.subject, e.consent_id, e.document_id, e.reason "
            + "FROM journal_entry e LEFT JOIN consent c ON c.id = e.consent_id ";

    public static ConsoleQuery of(List<String> kinds, String recipient, String purpose, String documentType,
            Instant from, Instant to, Long before, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE e.kind = ANY(?)");
        List<Object> params = new ArrayList<>();
        params.add(kinds.toArray(String[]::new));
        if (recipient != null) {
            sql.append(" AND e.recipient = ?");
            params.add(recipient);
        }
        if (purpose != null) {
            sql.append(" AND e.purpose = ?");
            params.add(purpose);
        }
        if (documentType != null) {
            sql.append(" AND ? = ANY(c.document_types)");
            params.add(documentType);
        }
        if (from != null) {
            sql.append(" AND e.recorded_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND e.recorded_at < ?");
            params.add(Timestamp.from(to));
        }
        if (before != null) {
            sql.append(" AND e.seq < ?");
            params.add(before);
        }
        sql.append(" ORDER BY e.seq DESC LIMIT ?");
        params.add(limit);
        return new ConsoleQuery(sql.toString(), List.copyOf(params));
    }
}
