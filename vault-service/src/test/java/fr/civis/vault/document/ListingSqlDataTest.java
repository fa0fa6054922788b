package fr.civis.vault.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import fr.civis.vault.MigratedPostgres;

/**
 * The listing's statements on a real, migrated PostgreSQL: each citizen sees only their own papers, newest first, of
 * one type when asked; and the plan the server keeps for a prepared statement stays within the citizen's range of
 * the index made for it, with or without a type.
 */
class ListingSqlDataTest {

    @RegisterExtension
    static final MigratedPostgres DATABASE = new MigratedPostgres();

    private static final String[] TYPES = {"justificatif-domicile", "avis-imposition", "piece-identite", "autre"};
    private static final int CITIZENS = 400;
    private static final int PER_CITIZEN = 40;

    @BeforeAll
    static void papers() throws Exception {
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO citizen_key (owner, wrapped_key, master_key_id) SELECT 'citizen-' || c, "
                    + "'\\x00'::bytea, 'test' FROM generate_series(1, " + CITIZENS + ") c");
            // Paper d of citizen c: type d % 4, created d hours ago, so that the newest is d = 1.
            statement.execute("INSERT INTO document (id, owner, type, title_sealed, filename_sealed, content_type, "
                    + "size_bytes, sha256, object_name, content_version, wrapped_key, created_at, updated_at) "
                    + "SELECT gen_random_uuid(), 'citizen-' || c, (ARRAY['" + String.join("','", TYPES) + "'])"
                    + "[1 + d % 4], '\\x00', '\\x00', 'application/pdf', d, sha256(d::text::bytea), "
                    + "gen_random_uuid()::text, 1, '\\x00', now() - d * interval '1 hour', now() "
                    + "FROM generate_series(1, " + CITIZENS + ") c, generate_series(1, " + PER_CITIZEN + ") d");
            statement.execute("VACUUM ANALYZE document");
        }
    }

    @Test
    void aCitizenListsTheirOwnPapersNewestFirstAndOfOneTypeWhenAsked() throws Exception {
        assertThat(sizes(ListingSql.page("citizen-7", Optional.empty(), 5, 0))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(sizes(ListingSql.page("citizen-7", Optional.empty(), 5, 35))).containsExactly(36L, 37L, 38L, 39L,
                40L);
        // Type 1 + d % 4 = 2 (avis-imposition): d = 1, 5, 9…
        assertThat(sizes(ListingSql.page("citizen-7", Optional.of("avis-imposition"), 3, 1)))
                .containsExactly(5L, 9L, 13L);
        assertThat(sizes(ListingSql.all("citizen-7", Optional.of("avis-imposition")))).hasSize(PER_CITIZEN / 4)
                .isSorted();
        assertThat(sizes(ListingSql.all("citizen-8", Optional.empty()))).hasSize(PER_CITIZEN);
        assertThat(sizes(ListingSql.all("nobody", Optional.empty()))).isEmpty();
        assertThat(single(ListingSql.count("citizen-7", Optional.empty()))).isEqualTo(PER_CITIZEN);
        assertThat(single(ListingSql.count("citizen-7", Optional.of("autre")))).isEqualTo(PER_CITIZEN / 4);
        assertThat(single(ListingSql.count("nobody", Optional.of("autre")))).isZero();
    }

    @Test
    void theGenericPlanOfEachStatementReadsOnlyOneCitizensRangeOfAnIndex() throws Exception {
        assertThat(genericPlan(ListingSql.page("citizen-9", Optional.empty(), 20, 0)))
                .contains("Index Scan using document_owner_created").doesNotContain("Filter");
        assertThat(genericPlan(ListingSql.page("citizen-9", Optional.of("autre"), 20, 0)))
                .contains("Index Scan using document_owner_type_created").doesNotContain("Filter");
        assertThat(genericPlan(ListingSql.count("citizen-9", Optional.of("autre"))))
                .contains("Index Cond: ((owner = $1) AND (type = $2))").doesNotContain("Seq Scan", "Filter");
        assertThat(genericPlan(ListingSql.count("citizen-9", Optional.empty())))
                .contains("Index Cond: (owner = $1)").doesNotContain("Seq Scan", "Filter");
    }

    /**
     * The plan PostgreSQL would keep for the statement once prepared, whatever its parameters (a generic plan): the
     * one a listing runs with after the driver's first few executions.
     */
    private static String genericPlan(ListingSql listing) throws Exception {
        String sql = listing.sql();
        List<String> values = new ArrayList<>();
        for (int i = 1; sql.contains("?"); i++) {
            sql = sql.replaceFirst("\\?", "\\$" + i);
            Object value = listing.params().get(i - 1);
            values.add(value instanceof String text ? "'" + text + "'" : value.toString());
        }
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
            statement.execute("PREPARE listing AS " + sql);
            StringBuilder plan = new StringBuilder();
            try (ResultSet row = statement.executeQuery("EXPLAIN EXECUTE listing(" + String.join(", ", values) + ")")) {
                while (row.next()) {
                    plan.append(row.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private static List<Long> sizes(ListingSql listing) throws Exception {
        List<Long> sizes = new ArrayList<>();
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(listing.sql())) {
            bind(statement, listing);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    sizes.add(row.getLong("size_bytes"));
                }
            }
        }
        return sizes;
    }

    private static long single(ListingSql listing) throws Exception {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(listing.sql())) {
            bind(statement, listing);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement statement, ListingSql listing) throws Exception {
        for (int i = 0; i < listing.params().size(); i++) {
            statement.setObject(i + 1, listing.params().get(i));
        }
    }
}
