package fr.civis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import fr.civis.vault.document.ListingSql;

/**
 * {@code GET /api/v1/documents} at scale, on the database side: vault-service's migrations (its indexes) on the
 * platform's PostgreSQL binaries, rows generated in the database itself (sealed fields as random bytes of their real
 * sizes; no content objects), then the listing's own two statements ({@link ListingSql}, compiled from vault-service's
 * sources: the count, then the first page of 20) for a random citizen at a time, in two databases of the same
 * server: 10,000 rows (100 citizens) and 10 million (100,000 citizens), each after {@code VACUUM ANALYZE}, the rounds
 * alternating between them so that both meet the same load. One in five listings filters by a type. Prints p50/p99
 * for each size, their ratio, and the plans at the larger size.
 *
 * <pre>java -cp bench/target/benchmarks.jar fr.civis.bench.DocumentListing</pre>
 * System properties: {@code bench.citizens} (100,000), {@code bench.perCitizen} (100), {@code bench.rounds} (2,000),
 * {@code bench.sharedBuffers} (the server's default, 128 MB): a server sized for its data, say {@code 10GB}, has
 * the larger database's table and listing indexes loaded into its buffers ({@code pg_prewarm}) before the rounds, as
 * a server that has served them for a while would hold them.
 */
public final class DocumentListing {

    private static final int SMALL_CITIZENS = 100;
    private static final int PAGE_SIZE = 20;
    private static final String[] TYPES = {"justificatif-domicile", "avis-imposition", "piece-identite",
            "attestation-caf", "autre"};

    public static void main(String[] args) throws Exception {
        int citizens = Integer.getInteger("bench.citizens", 100_000);
        int perCitizen = Integer.getInteger("bench.perCitizen", 100);
        int rounds = Integer.getInteger("bench.rounds", 2_000);
        Optional<String> sharedBuffers = Optional.ofNullable(System.getProperty("bench.sharedBuffers"));
        Path data = Files.createTempDirectory("listing-bench");
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true);
        sharedBuffers.ifPresent(size -> server.setServerConfig("shared_buffers", size));
        try (EmbeddedPostgres postgres = server.start()) {
            System.out.printf("Document listing, PostgreSQL %s, %d CPUs, %d rounds per size, page of %d, "
                    + "shared_buffers %s%n", JournalAppends.serverVersion(postgres),
                    Runtime.getRuntime().availableProcessors(), rounds, PAGE_SIZE, setting(postgres, "shared_buffers"));
            System.out.printf("%12s %10s %12s %10s %10s%n", "rows", "citizens", "generated s", "p50 ms", "p99 ms");
            try (Connection small = database(postgres, "listing_small");
                 Connection large = database(postgres, "listing_large")) {
                long started = System.nanoTime();
                generate(small, 0, SMALL_CITIZENS, perCitizen);
                long smallSeconds = (System.nanoTime() - started) / 1_000_000_000L;
                started = System.nanoTime();
                for (int from = 0; from < citizens; from += 10_000) {
                    generate(large, from, Math.min(citizens, from + 10_000), perCitizen);
                }
                long largeSeconds = (System.nanoTime() - started) / 1_000_000_000L;
                if (sharedBuffers.isPresent()) {
                    prewarm(large);
                }
                // Rounds alternate between the two sizes, so that both meet the same load on the machine.
                long[][] times = measure(small, SMALL_CITIZENS, large, citizens, rounds);
                print((long) SMALL_CITIZENS * perCitizen, SMALL_CITIZENS, smallSeconds, times[0]);
                print((long) citizens * perCitizen, citizens, largeSeconds, times[1]);
                System.out.printf("p99 at %,d rows / p99 at %,d rows: %.2f%n", (long) citizens * perCitizen,
                        (long) SMALL_CITIZENS * perCitizen,
                        (double) JournalAppends.percentile(times[1], 0.99) / JournalAppends.percentile(times[0], 0.99));
                explain(large, "count", ListingSql.count(owner(citizens / 2), Optional.empty()));
                explain(large, "page", ListingSql.page(owner(citizens / 2), Optional.empty(), PAGE_SIZE, 0));
                explain(large, "count, one type", ListingSql.count(owner(citizens / 3), Optional.of(TYPES[1])));
                explain(large, "page, one type",
                        ListingSql.page(owner(citizens / 3), Optional.of(TYPES[1]), PAGE_SIZE, 0));
                try (Statement statement = large.createStatement(); ResultSet size = statement.executeQuery(
                        "SELECT pg_size_pretty(pg_table_size('document')), "
                                + "pg_size_pretty(pg_relation_size('document_owner_created')), "
                        + "pg_size_pretty(pg_relation_size('document_owner_type_created'))")) {
                    size.next();
                    System.out.printf("%nTable %s, index document_owner_created %s, document_owner_type_created %s%n",
                            size.getString(1), size.getString(2), size.getString(3));
                }
            }
        } finally {
            JournalAppends.deleteRecursively(data);
        }
    }

    private static String setting(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement show = connection.prepareStatement("SELECT current_setting(?)")) {
            show.setString(1, name);
            try (ResultSet value = show.executeQuery()) {
                value.next();
                return value.getString(1);
            }
        }
    }

    /** The relations a listing reads, loaded into shared buffers; prints how many pages each took. */
    private static void prewarm(Connection connection) throws Exception {
        long started = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm");
            try (ResultSet pages = statement.executeQuery("SELECT relname, pg_prewarm(oid) FROM pg_class WHERE "
                    + "relname IN ('document', 'document_owner_created', 'document_owner_type_created', "
                    + "'document_idempotency', 'citizen_key', 'citizen_key_pkey')")) {
                while (pages.next()) {
                    System.out.printf("  prewarmed %s: %,d pages%n", pages.getString(1), pages.getLong(2));
                }
            }
        }
        System.out.printf("  prewarm took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
    }

    /** A new database migrated as vault-service does it. */
    private static Connection database(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + name;
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:vault-migrations").load()
                .migrate();
        return java.sql.DriverManager.getConnection(url, "postgres", "postgres");
    }

    /** Citizens {@code from} (inclusive) to {@code to}, each with a key and {@code perCitizen} documents. */
    private static void generate(Connection connection, int from, int to, int perCitizen) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO citizen_key (owner, wrapped_key, master_key_id) SELECT "
                    + "md5('citizen-' || c)::uuid::text, sha256(c::text::bytea) || sha256(c::text::bytea), 'bench' "
                    + "FROM generate_series(" + from + ", " + (to - 1) + ") c");
            // A sealed title or file name is ~60 bytes, a wrapped key ~90: random bytes of those sizes, so that rows
            // and pages are as wide as the vault's.
            statement.execute("INSERT INTO document (id, owner, type, title_sealed, filename_sealed, content_type, "
                    + "size_bytes, sha256, object_name, content_version, wrapped_key, valid_until, created_at, "
                    + "updated_at) SELECT gen_random_uuid(), md5('citizen-' || c)::uuid::text, "
                    + "(ARRAY['" + String.join("','", TYPES) + "'])[1 + (d % " + TYPES.length + ")], "
                    + "sha256(random()::text::bytea) || sha256(random()::text::bytea), "
                    + "sha256(random()::text::bytea) || sha256(random()::text::bytea), 'application/pdf', "
                    + "100000 + (random() * 5000000)::bigint, sha256(random()::text::bytea), gen_random_uuid()::text, "
                    + "1, sha256(random()::text::bytea) || sha256(random()::text::bytea) || sha256(d::text::bytea), "
                    + "CASE WHEN d % 3 = 0 THEN current_date + (d % 400) END, "
                    + "now() - random() * interval '1000 days', now() "
                    + "FROM generate_series(" + from + ", " + (to - 1) + ") c, generate_series(1, " + perCitizen + ") d");
            // As autovacuum would have left them: statistics, and the visibility map that allows index-only scans.
            statement.execute("VACUUM ANALYZE citizen_key, document");
        }
    }

    /** Each round: a random citizen's count and first page, as {@code DocumentReader.list} asks them, at each size. */
    private static long[][] measure(Connection small, int smallCitizens, Connection large, int largeCitizens,
            int rounds) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long[][] times = new long[2][rounds];
        for (int warm = 0; warm < 200; warm++) {
            list(small, owner(random.nextInt(smallCitizens)), Optional.empty());
            list(large, owner(random.nextInt(largeCitizens)), Optional.empty());
        }
        for (int i = 0; i < rounds; i++) {
            times[0][i] = timed(small, random, smallCitizens);
            times[1][i] = timed(large, random, largeCitizens);
        }
        Arrays.sort(times[0]);
        Arrays.sort(times[1]);
        return times;
    }

    /** One listing of a random citizen, one in five by a type. */
    private static long timed(Connection connection, SplittableRandom random, int citizens) throws Exception {
        Optional<String> type = random.nextInt(5) == 0 ? Optional.of(TYPES[random.nextInt(TYPES.length)])
                : Optional.empty();
        String owner = owner(random.nextInt(citizens));
        long t0 = System.nanoTime();
        int rows = list(connection, owner, type);
        long elapsed = System.nanoTime() - t0;
        if (rows == 0) {
            throw new IllegalStateException("No document listed for a generated citizen");
        }
        return elapsed;
    }

    /**
     * The two statements of a listing. The driver keeps each statement text prepared on its connection, as it does
     * for the vault's pool, so that after its first few executions the server runs a kept plan.
     */
    private static int list(Connection connection, String owner, Optional<String> type) throws Exception {
        try (PreparedStatement count = prepared(connection, ListingSql.count(owner, type));
             ResultSet total = count.executeQuery()) {
            total.next();
            total.getLong(1);
        }
        int rows = 0;
        try (PreparedStatement page = prepared(connection, ListingSql.page(owner, type, PAGE_SIZE, 0));
             ResultSet row = page.executeQuery()) {
            while (row.next()) {
                row.getObject("id");
                row.getBytes("title_sealed");
                row.getBytes("wrapped_key");
                row.getTimestamp("created_at");
                rows++;
            }
        }
        return rows;
    }

    private static PreparedStatement prepared(Connection connection, ListingSql listing) throws Exception {
        PreparedStatement statement = connection.prepareStatement(listing.sql());
        for (int i = 0; i < listing.params().size(); i++) {
            statement.setObject(i + 1, listing.params().get(i));
        }
        return statement;
    }

    private static String owner(int citizen) throws Exception {
        byte[] md5 = java.security.MessageDigest.getInstance("MD5")
                .digest(("citizen-" + citizen).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String hex = java.util.HexFormat.of().formatHex(md5);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static void explain(Connection connection, String title, ListingSql listing) throws Exception {
        try (PreparedStatement explained = prepared(connection,
                new ListingSql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + listing.sql(), listing.params()))) {
            System.out.println();
            System.out.println("Plan — " + title);
            try (ResultSet row = explained.executeQuery()) {
                while (row.next()) {
                    System.out.println("  " + row.getString(1));
                }
            }
        }
    }

    private static void print(long rows, int citizens, long generatedSeconds, long[] times) {
        System.out.printf("%,12d %,10d %12d %10.2f %10.2f%n", rows, citizens, generatedSeconds,
                JournalAppends.percentile(times, 0.50) / 1e6,
                JournalAppends.percentile(times, 0.99) / 1e6);
    }
}
