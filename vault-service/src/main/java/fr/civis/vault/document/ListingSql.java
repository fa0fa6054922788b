package fr.civis.vault.document;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A statement of a citizen's listing with its positional parameters, in order. Kept apart so that the
 * {@code DocumentListing} benchmark runs these very statements at ten million rows. A listing of one type gets its
 * own text rather than an {@code (? IS NULL OR type = ?)} test: a plan the server prepares once must still walk
 * {@code document_owner_type_created} (V10) for it, and {@code document_owner_created} (V2) for the whole list, so
 * that the cost follows the citizen's own number of papers, not the table's.
 */
public record ListingSql(String sql, List<Object> params) {

    private static final String ORDER = " ORDER BY created_at DESC, id";

    public ListingSql {
        params = List.copyOf(params);
    }

    /** One page, newest first. */
    public static ListingSql page(String owner, Optional<String> type, int limit, long offset) {
        ListingSql all = all(owner, type);
        List<Object> params = new ArrayList<>(all.params());
        params.add(limit);
        params.add(offset);
        return new ListingSql(all.sql() + " LIMIT ? OFFSET ?", params);
    }

    /** Every row, newest first: for the callers bounded by {@code civis.documents.max-documents}. */
    public static ListingSql all(String owner, Optional<String> type) {
        ListingSql rows = rows("SELECT *", owner, type);
        return new ListingSql(rows.sql() + ORDER, rows.params());
    }

    public static ListingSql count(String owner, Optional<String> type) {
        return rows("SELECT count(*)", owner, type);
    }

    private static ListingSql rows(String select, String owner, Optional<String> type) {
        String from = select + " FROM document WHERE owner = ?";
        return type.map(code -> new ListingSql(from + " AND type = ?", List.of(owner, code)))
                .orElseGet(() -> new ListingSql(from, List.of(owner)));
    }
}
