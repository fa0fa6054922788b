package fr.civis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import fr.civis.consent.dpo.ConsoleQuery;

/**
 * The DPO console's search over a million journal entries: consent-service's migrations (its indexes) on the
 * platform's PostgreSQL binaries, a year of entries generated in the database itself (20 services, 3 purposes each,
 * 50,000 citizens, 200,000 consents; accesses, grants, denials, revocations, endings and logins), then the console's
 * own query ({@link ConsoleQuery}, compiled from consent-service's sources) for a mix of criteria, as the runtime role,
 * each page of 51 rows read to the end. Prints p50/p99 per case and overall, and the plan of each case.
 *
 * <pre>java -cp bench/target/benchmarks.jar fr.civis.bench.ConsoleSearch</pre>
 * System properties: {@code bench.entries} (1,000,000), {@code bench.rounds} (rounds per case, 200).
 */
public final class ConsoleSearch {

    private static final String RUNTIME_ROLE = JournalAppends.RUNTIME_ROLE;
    private static final String PASSWORD = JournalAppends.PASSWORD;
    private static final List<String> ALL = List.of("grant", "access", "denial", "refusal", "revocation", "ending");
    private static final int PAGE = 51;

    private record Case(String name, List<String> kinds, String recipient, String purpose, String documentType,
            Duration period, boolean deepPage) {
    }

    public static void main(String[] args) throws Exception {
        int entries = Integer.getInteger("bench.entries", 1_000_000);
        int rounds = Integer.getInteger("bench.rounds", 200);
        Path data = Files.createTempDirectory("console-bench");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
                .start()) {
            JournalAppends.createConsentRoles(postgres);
            String url = JournalAppends.migratedConsentDatabase(postgres, "consent");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long started = System.nanoTime();
            generate(url, entries, now);
            System.out.printf("Console search, PostgreSQL %s, %d CPUs, %,d journal entries generated in %d s, "
                    + "%d rounds per case%n", JournalAppends.serverVersion(postgres),
                    Runtime.getRuntime().availableProcessors(), entries, (System.nanoTime() - started) / 1_000_000_000L,
                    rounds);
            List<Case> cases = List.of(
                    new Case("everything, newest first", ALL, null, null, null, null, false),
                    new Case("one service", ALL, "service-07", null, null, null, false),
                    new Case("one service, 30 days", ALL, "service-07", null, null, Duration.ofDays(30), false),
                    new Case("one purpose", ALL, null, "purpose-07-1", null, null, false),
                    new Case("one document type", ALL, null, null, "avis-imposition", null, false),
                    new Case("denied", List.of("denial", "refusal"), null, null, null, null, false),
                    new Case("one service, denied, 7 days", List.of("denial", "refusal"), "service-03", null, null,
                            Duration.ofDays(7), false),
                    new Case("one service, type, 90 days", ALL, "service-11", null, "piece-identite",
                            Duration.ofDays(90), false),
                    new Case("ended, one purpose", List.of("revocation", "ending"), null, "purpose-02-0", null, null,
                            false),
                    new Case("one service, page 20", ALL, "service-15", null, null, null, true));
            List<Long> all = new ArrayList<>();
            System.out.printf("%-32s %10s %10s %10s%n", "case", "rows", "p50 ms", "p99 ms");
            try (Connection connection = java.sql.DriverManager.getConnection(url, RUNTIME_ROLE, PASSWORD)) {
                for (Case c : cases) {
                    long[] times = new long[rounds];
                    int rows = 0;
                    for (int i = 0; i < rounds; i++) {
                        ConsoleQuery query = query(connection, c, now);
                        long t0 = System.nanoTime();
                        rows = run(connection, query);
                        times[i] = System.nanoTime() - t0;
                    }
                    Arrays.sort(times);
                    for (long t : times) {
                        all.add(t);
                    }
                    System.out.printf("%-32s %10d %10.2f %10.2f%n", c.name(), rows,
                            JournalAppends.percentile(times, 0.50) / 1e6, JournalAppends.percentile(times, 0.99) / 1e6);
                }
                long[] everything = all.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("%-32s %10s %10.2f %10.2f%n", "all cases", "",
                        JournalAppends.percentile(everything, 0.50) / 1e6, JournalAppends.percentile(everything, 0.99) / 1e6);
                for (Case c : cases) {
                    System.out.println();
                    System.out.println("Plan — " + c.name());
                    explain(connection, query(connection, c, now));
                }
            }
        } finally {
            JournalAppends.deleteRecursively(data);
        }
    }

    /** The case's query; a deep page starts before the 20th page's first entry, as the console's « suivants » does. */
    private static ConsoleQuery query(Connection connection, Case c, Instant now) throws Exception {
        Instant from = c.period() == null ? null : now.minus(c.period());
        Long before = null;
        if (c.deepPage()) {
            ConsoleQuery skip = ConsoleQuery.of(c.kinds(), c.recipient(), c.purpose(), c.documentType(), from, null, null,
                    20 * (PAGE - 1));
            long last = 0;
            try (PreparedStatement statement = prepare(connection, skip); ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    last = row.getLong(1);
                }
            }
            before = last;
        }
        // A little jitter on the period's start, so that no two rounds are the very same statement.
        Instant jittered = from == null ? null : from.minusSeconds(ThreadLocalRandom.current().nextInt(3600));
        return ConsoleQuery.of(c.kinds(), c.recipient(), c.purpose(), c.documentType(), jittered, null, before, PAGE);
    }

    private static int run(Connection connection, ConsoleQuery query) throws Exception {
        int rows = 0;
        try (PreparedStatement statement = prepare(connection, query); ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                row.getLong(1);
                row.getObject(2);
                Array types = row.getArray(6);
                if (types != null) {
                    types.getArray();
                }
                row.getString(7);
                rows++;
            }
        }
        return rows;
    }

    private static void explain(Connection connection, ConsoleQuery query) throws Exception {
        ConsoleQuery explained = new ConsoleQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query.sql(), query.params());
        try (PreparedStatement statement = prepare(connection, explained); ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                System.out.println("  " + row.getString(1));
            }
        }
    }

    private static PreparedStatement prepare(Connection connection, ConsoleQuery query) throws Exception {
        PreparedStatement statement = connection.prepareStatement(query.sql());
        int i = 1;
        for (Object param : query.params()) {
            if (param instanceof String[] texts) {
                statement.setArray(i++, connection.createArrayOf("text", texts));
            } else {
                statement.setObject(i++, param);
            }
        }
        return statement;
    }

    /**
     * A year of entries, oldest first, written by the owner in a few statements (the journal's trigger refuses only
     * changes, not inserts). The hashes are random: the search does not read them, and the chain is not what is
     * measured here (JournalAppends and the verifier's own tests are).
     */
    private static void generate(String url, int entries, Instant now) throws Exception {
        try (Connection connection = java.sql.DriverManager.getConnection(url, "consent", PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO consent (id, subject, pairwise_subject, recipient, recipient_name, purpose, "
                    + "purpose_label, legal_basis, document_types, document_ids, granted_at, expires_at, revoked_at, "
                    + "revocation_reason, collection_method, notice_version, receipt) "
                    + "SELECT md5('consent' || i)::uuid, 'citizen-' || (i % 50000), 'pw-' || i, "
                    + "'service-' || lpad((i % 20)::text, 2, '0'), 'Service', "
                    + "'purpose-' || lpad((i % 20)::text, 2, '0') || '-' || (i % 3), 'Finalité', 'consent', "
                    + "(ARRAY[ARRAY['justificatif-domicile','piece-identite'], ARRAY['attestation-caf','avis-imposition'], "
                    + "ARRAY['piece-identite','justificatif-domicile']])[1 + i % 3:1 + i % 3], "
                    + "ARRAY[md5('document' || i)::uuid], t, t + interval '30 days', "
                    + "CASE WHEN i % 10 = 0 THEN t + interval '5 days' END, CASE WHEN i % 10 = 0 THEN 'citizen' END, "
                    + "'citizen-initiative', '1', 'jws' "
                    + "FROM generate_series(1, 200000) AS i, "
                    + "LATERAL (SELECT timestamptz '" + now + "' - interval '365 days' + (i * interval '157 seconds')) AS g(t)");
            statement.execute("INSERT INTO journal_entry (seq, recorded_at, kind, actor, subject, recipient, consent_id, "
                    + "document_id, purpose, reason, digest, prev_hash, hash) "
                    + "SELECT i, timestamptz '" + now + "' - interval '365 days' + (i * (31536000.0 / " + entries
                    + ")) * interval '1 second', k.kind, 'civis-vault', c.subject, c.recipient, c.id, c.document_ids[1], "
                    + "c.purpose, CASE WHEN k.kind = 'denial' THEN 'consent-expired' END, NULL, "
                    + "sha256(int8send(i - 1)), sha256(int8send(i)) "
                    + "FROM generate_series(1, " + entries + ") AS i, "
                    + "LATERAL (SELECT CASE WHEN i % 100 < 60 THEN 'access' WHEN i % 100 < 80 THEN 'grant' "
                    + "WHEN i % 100 < 88 THEN 'denial' WHEN i % 100 < 90 THEN 'refusal' WHEN i % 100 < 94 THEN 'revocation' "
                    + "WHEN i % 100 < 97 THEN 'ending' ELSE 'security.login' END) AS k(kind), "
                    + "LATERAL (SELECT * FROM consent WHERE id = md5('consent' || (1 + (i::bigint * 7919) % 200000))::uuid) AS c");
            statement.execute("ANALYZE");
        }
    }
}
