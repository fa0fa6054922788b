package fr.civis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import fr.civis.consent.journal.CheckpointSigner;
import fr.civis.consent.journal.JournalEntry;
import fr.civis.consent.journal.JournalVerifier;
import fr.civis.consent.journal.JournalWriter;
import fr.civis.consent.journal.Verification;

/**
 * Journal appends per second with the hash chain, as consent-service writes them (its {@link JournalWriter}, compiled
 * from its sources, and its migrations: runtime role, triggers, indexes), on the PostgreSQL binaries the platform
 * runs, each append durable ({@code synchronous_commit=on}, which the writer sets itself). Writers are threads that
 * append one event at a time and wait for its commit, as request threads do; "instances" are separate writers with
 * their own connection pools, which serialize on the database's advisory lock. After each case the chain is verified
 * (no fork, no gap).
 *
 * <pre>java -cp bench/target/benchmarks.jar fr.civis.bench.JournalAppends</pre>
 * System properties: {@code bench.seconds} (per case, 10), {@code bench.warmup} (seconds, 3),
 * {@code bench.cases} (writers×instances, default {@code 1x1,4x1,4x2,16x2}).
 */
public final class JournalAppends {

    static final String RUNTIME_ROLE = "consent_app";
    static final String PASSWORD = "bench-only";

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int warmup = Integer.getInteger("bench.warmup", 3);
        List<String> cases = Arrays.asList(System.getProperty("bench.cases", "1x1,4x1,4x2,16x2").split(","));
        Path data = Files.createTempDirectory("journal-bench");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
                .start()) {
            createConsentRoles(postgres);
            System.out.printf("Journal appends, PostgreSQL %s, %d CPUs, %d s per case (after %d s warm-up)%n",
                    serverVersion(postgres), Runtime.getRuntime().availableProcessors(), seconds, warmup);
            System.out.printf("%-22s %12s %10s %10s %10s%n", "writers × instances", "appends/s", "p50 ms", "p99 ms",
                    "chain");
            int n = 0;
            for (String spec : cases) {
                String[] parts = spec.trim().split("x");
                int writers = Integer.parseInt(parts[0]);
                int instances = Integer.parseInt(parts[1]);
                String database = "journal_" + (++n);
                run(migratedConsentDatabase(postgres, database), writers, instances, warmup, seconds);
            }
        } finally {
            deleteRecursively(data);
        }
    }

    private static void run(String url, int writers, int instances, int warmup, int seconds) throws Exception {
        List<HikariDataSource> pools = new ArrayList<>();
        List<JournalWriter> journal = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(RUNTIME_ROLE);
            config.setPassword(PASSWORD);
            config.setMaximumPoolSize(4);
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            journal.add(new JournalWriter(pool, Clock.systemUTC(), 500, Duration.ofSeconds(30)));
        }
        try {
            measure(journal, writers, warmup);
            long before = count(pools.getFirst());
            long[][] latencies = new long[writers][];
            long elapsed = measure(journal, writers, seconds, latencies);
            long appended = count(pools.getFirst()) - before;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            Verification verification = new JournalVerifier(pools.getFirst(), new NoCheckpoints()).verify();
            System.out.printf("%-22s %12.0f %10.2f %10.2f %10s%n", writers + " × " + instances,
                    appended / (elapsed / 1e9), percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6,
                    verification.ok() ? "ok (" + verification.size() + ")"
                            : "BROKEN at " + verification.firstBadEntry() + " " + verification.reason());
        } finally {
            journal.forEach(JournalWriter::close);
            pools.forEach(HikariDataSource::close);
        }
    }

    private static void measure(List<JournalWriter> journal, int writers, int seconds) throws InterruptedException {
        measure(journal, writers, seconds, new long[writers][]);
    }

    /** Runs {@code writers} threads for {@code seconds}; returns the elapsed nanoseconds. */
    private static long measure(List<JournalWriter> journal, int writers, int seconds, long[][] latencies)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(writers);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int index = w;
            JournalWriter instance = journal.get(w % journal.size());
            threads.add(Thread.ofPlatform().start(() -> {
                long[] times = new long[1 << 16];
                int count = 0;
                try {
                    while (running.get()) {
                        long start = System.nanoTime();
                        instance.append(event());
                        if (count == times.length) {
                            times = Arrays.copyOf(times, times.length * 2);
                        }
                        times[count++] = System.nanoTime() - start;
                    }
                } finally {
                    latencies[index] = Arrays.copyOf(times, count);
                    finished.countDown();
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        running.set(false);
        finished.await();
        return System.nanoTime() - start;
    }

    private static JournalEntry.Event event() {
        return JournalEntry.Event.of("access").actor("civis-vault").subject(UUID.randomUUID().toString())
                .recipient("mairie-demo").consentId(UUID.randomUUID()).documentId(UUID.randomUUID())
                .purpose("inscription-creche").digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    private static long count(HikariDataSource pool) throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             var row = statement.executeQuery("SELECT count(*) FROM journal_entry")) {
            row.next();
            return row.getLong(1);
        }
    }

    static String serverVersion(EmbeddedPostgres postgres) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            return connection.getMetaData().getDatabaseProductVersion();
        }
    }

    /** consent-service's two roles: the owner that migrates, and the runtime role the service connects as. */
    static void createConsentRoles(EmbeddedPostgres postgres) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE consent LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE ROLE " + RUNTIME_ROLE + " LOGIN NOINHERIT PASSWORD '" + PASSWORD + "'");
        }
    }

    /** A new database owned by {@code consent}, migrated as consent-service does; answers its JDBC URL. */
    static String migratedConsentDatabase(EmbeddedPostgres postgres, String database) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database + " OWNER consent");
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + RUNTIME_ROLE);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
        Flyway.configure().dataSource(url, "consent", PASSWORD).locations("classpath:consent-migrations")
                .placeholders(Map.of("runtimeRole", RUNTIME_ROLE)).load().migrate();
        return url;
    }

    static void deleteRecursively(Path root) throws Exception {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** The benchmark makes no checkpoints: the verification walks the chain alone. */
    private static final class NoCheckpoints implements CheckpointSigner {

        @Override
        public Signed signCheckpoint(byte[] payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<byte[]> verifyCheckpoint(String jws) {
            return Optional.empty();
        }
    }
}
