package fr.civis.vault.document;

/**
 * The listing's two statements, with positional parameters ({@code owner, type, type} then {@code limit, offset} for
 * a page): plain strings so that the {@code DocumentListing} benchmark runs these very statements at ten million
 * rows. Both walk {@code document_owner_created} within one owner (V2), so their cost follows the citizen's own
 * number of papers, not the table's.
 */
public final class ListingSql {

    public static final String PAGE = """
            SELECT * FROM document WHERE owner = ? AND (CAST(? AS TEXT) IS NULL OR type = ?)
            ORDER BY created_at DESC, id LIMIT ? OFFSET ?
            """;

    public static final String COUNT =
            "SELECT count(*) FROM document WHERE owner = ? AND (CAST(? AS TEXT) IS NULL OR type = ?)";

    private ListingSql() {
    }
}
