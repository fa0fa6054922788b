package fr.civis.bench;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import fr.civis.launcher.Backup;
import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;
import fr.civis.launcher.Restore;
import fr.civis.launcher.Secrets;

/**
 * {@code ./civis backup} and {@code ./civis restore} times (docs/benchmarks.md): starts the platform, fills the vault
 * with {@code bench.documents} documents of {@code bench.size} bytes (rows written with JDBC, objects with the S3 API:
 * backup and restore copy them without opening them, so random ciphertext costs them what real documents do, and
 * filling through the vault's API would take hours for 100,000 documents), backs it up, stops it, restores onto a
 * fresh data folder, and prints the times: the backup's, the restore's whole (platform start included) and its data
 * part (rows loaded and objects put back).
 */
public final class BackupTimes {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DOCUMENTS_PER_CITIZEN = 50;

    private BackupTimes() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.work", "bench/target/backup-bench")).toAbsolutePath();
        Path runtime = Path.of(System.getProperty("civis.runtime", "launcher/target/runtime")).toAbsolutePath();
        int documents = Integer.getInteger("bench.documents", 20_000);
        int size = Integer.getInteger("bench.size", 4096);
        for (String folder : List.of("data", "restored", "backup")) {
            Platform.deleteRecursively(work.resolve(folder));
        }
        var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                PlatformSettings.Ports.free(), Map.of());
        Backup.Summary backup;
        long fillNanos;
        try (Platform platform = Platform.start(settings, step -> System.out.println("[platform] " + step))) {
            long begin = System.nanoTime();
            fill(platform, documents, size);
            fillNanos = System.nanoTime() - begin;
            backup = Backup.run(settings, work.resolve("backup"), step -> System.out.println("[backup] " + step));
        }
        var fresh = new PlatformSettings(work.resolve("restored"), runtime, work.resolve("keycloak"), true,
                settings.ports(), Map.of());
        Instant[] data = new Instant[2];
        Restore.Summary[] restored = new Restore.Summary[1];
        try (Platform platform = Restore.run(fresh, work.resolve("backup"), step -> {
            System.out.println("[restore] " + step);
            if (step.startsWith("Base ") && data[0] == null) {
                data[0] = Instant.now();
            } else if (data[0] != null && data[1] == null && !step.startsWith("Base ") && !step.startsWith("Objets")) {
                data[1] = Instant.now();
            }
        }, done -> restored[0] = done)) {
            System.out.println("[restore] serving again: " + platform.isRunning("vault-service"));
        }
        double gigabytes = backup.objectBytes() / 1e9;
        double backupSeconds = backup.took().toMillis() / 1e3;
        double restoreSeconds = restored[0].took().toMillis() / 1e3;
        double dataSeconds = java.time.Duration.between(data[0], data[1]).toMillis() / 1e3;
        System.out.printf("%nFilled %d documents of %d bytes (%.2f GB) in %.0f s%n", documents, size, gigabytes,
                fillNanos / 1e9);
        System.out.println("| documents | size each | GB | backup (s) | restore, whole (s) | restore, data (s) "
                + "| backup s/GB | backup s/100k docs | restore data s/GB | restore data s/100k docs |");
        System.out.printf("| %d | %d B | %.2f | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f |%n", backup.objects(),
                size, gigabytes, backupSeconds, restoreSeconds, dataSeconds, backupSeconds / gigabytes,
                backupSeconds * 100_000 / backup.objects(), dataSeconds / gigabytes,
                dataSeconds * 100_000 / backup.objects());
        System.out.printf("Backup folder: %d MB on disk%n", folderBytes(work.resolve("backup")) / 1_000_000);
    }

    /** Citizens, their keys and their documents' rows, then the objects, eight at a time. */
    private static void fill(Platform platform, int documents, int size) throws Exception {
        PlatformSettings settings = platform.settings();
        List<String> names = new ArrayList<>();
        try (Connection vault = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + settings.ports().postgres() + "/vault", "postgres", "")) {
            vault.setAutoCommit(false);
            String masterKey;
            try (Statement statement = vault.createStatement();
                    ResultSet current = statement.executeQuery("SELECT id FROM master_key WHERE state = 'current'")) {
                current.next();
                masterKey = current.getString(1);
            }
            try (PreparedStatement citizen = vault.prepareStatement(
                    "INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (?, ?, ?)");
                    PreparedStatement document = vault.prepareStatement("""
                            INSERT INTO document (id, owner, type, title_sealed, filename_sealed, content_type,
                              size_bytes, sha256, object_name, content_version, wrapped_key, created_at, updated_at)
                            VALUES (?, ?, 'justificatif-domicile', ?, ?, 'application/pdf', ?, ?, ?, 1, ?, ?, ?)""")) {
                for (int i = 0; i < documents; i++) {
                    String owner = "bench-citizen-" + i / DOCUMENTS_PER_CITIZEN;
                    if (i % DOCUMENTS_PER_CITIZEN == 0) {
                        citizen.setString(1, owner);
                        citizen.setBytes(2, random(60));
                        citizen.setString(3, masterKey);
                        citizen.addBatch();
                        citizen.executeBatch();
                    }
                    String name = HexFormat.of().formatHex(random(16));
                    names.add(name);
                    Timestamp now = Timestamp.from(Instant.now());
                    document.setObject(1, UUID.randomUUID());
                    document.setString(2, owner);
                    document.setBytes(3, random(48));
                    document.setBytes(4, random(48));
                    document.setLong(5, size);
                    document.setBytes(6, random(32));
                    document.setString(7, name);
                    document.setBytes(8, random(60));
                    document.setTimestamp(9, now);
                    document.setTimestamp(10, now);
                    document.addBatch();
                    if (i % 1000 == 999) {
                        document.executeBatch();
                    }
                }
                document.executeBatch();
            }
            // Objects before the rows are committed, as the vault does.
            Secrets secrets = platform.secrets();
            MinioClient s3 = MinioClient.builder().endpoint(settings.s3Url())
                    .credentials(secrets.get(Secrets.S3_ACCESS_KEY), secrets.get(Secrets.S3_SECRET_KEY))
                    .region("us-east-1").build();
            byte[] content = random(size);
            AtomicLong next = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    for (long i = next.getAndIncrement(); i < names.size(); i = next.getAndIncrement()) {
                        try {
                            s3.putObject(PutObjectArgs.builder().bucket("civis-vault").object(names.get((int) i))
                                    .stream(new ByteArrayInputStream(content), (long) size, 8L * 1024 * 1024).build());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            vault.commit();
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static long folderBytes(Path folder) throws Exception {
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
