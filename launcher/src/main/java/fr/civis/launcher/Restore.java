package fr.civis.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.postgresql.PGConnection;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;

/**
 * {@code ./civis restore DIR}: a backup onto a fresh data folder (docs/adr/0018-backup-consistency.md). The key
 * material goes in first, then the platform starts there once, so that every component creates its own schema with
 * its own migrations (the same Civis version as the backup's: checked table by table); then Keycloak and the services
 * stop, their rows are replaced by the backup's in one transaction per database, the objects are put back through
 * the S3 API, and they start again.
 */
public final class Restore {

    /** The parts that write to a database: stopped while their rows are replaced. */
    private static final List<String> WRITERS = List.of("vault-service", "consent-service", "keycloak");

    /** How long it took, once the platform serves the restored data. */
    public record Summary(long objects, long rows, Duration took) {
    }

    private Restore() {
    }

    /** The platform, running on the restored data; the caller closes it. */
    public static Platform run(PlatformSettings settings, Path source, Consumer<String> progress,
            Consumer<Summary> done) throws Exception {
        Instant begin = Instant.now();
        BackupFolder backup = BackupFolder.open(source);
        Path dataDir = settings.dataDir();
        if (Files.exists(dataDir)) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("la restauration se fait dans un dossier de données neuf ; " + dataDir
                            + " n'est pas vide");
                }
            }
        }
        backup.restoreKeys(dataDir);
        Platform platform = Platform.start(settings, progress);
        try {
            for (String part : WRITERS) {
                platform.stop(part);
            }
            long rows = 0;
            for (String database : Platform.DATABASES) {
                progress.accept("Base " + database + "…");
                rows += loadDatabase(settings, backup, database);
            }
            progress.accept("Objets S3…");
            long objects = putObjects(BackupFolder.s3(settings, platform.secrets()), BackupFolder.bucket(settings), backup);
            for (String part : WRITERS.reversed()) {
                progress.accept(part + "…");
                platform.restart(part);
            }
            done.accept(new Summary(objects, rows, Duration.between(begin, Instant.now())));
            return platform;
        } catch (Exception | Error failure) {
            platform.close();
            throw failure;
        }
    }

    /**
     * Replaces every row of the database by the backup's, in one transaction: a crash leaves the fresh schema or the
     * whole backup, never half. Triggers (the journal's append-only guard, foreign keys) are off for this session
     * only ({@code session_replication_role = replica}): the rows were consistent when they were read.
     */
    private static long loadDatabase(PlatformSettings settings, BackupFolder backup, String database) throws Exception {
        List<BackupFolder.Table> saved = backup.tables(database);
        try (Connection connection = BackupFolder.connect(settings, database)) {
            connection.setAutoCommit(false);
            List<BackupFolder.Table> fresh = BackupFolder.tables(connection);
            if (!new java.util.HashSet<>(fresh).equals(new java.util.HashSet<>(saved))) {
                throw new IOException("la base " + database + " de cette version de Civis n'a pas les tables de la "
                        + "sauvegarde : restaurer avec la version qui l'a faite, puis mettre à jour");
            }
            long rows = 0;
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL session_replication_role = replica");
                if (!fresh.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    fresh.forEach(table -> names.add(table.qualified()));
                    statement.execute("TRUNCATE " + String.join(", ", names));
                }
            }
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (BackupFolder.Table table : saved) {
                try (InputStream in = backup.tableInput(database, table)) {
                    rows += copy.copyIn("COPY " + table.qualified() + " (" + table.columnList() + ") FROM STDIN", in);
                }
            }
            try (PreparedStatement position = connection.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
                for (String[] sequence : backup.sequences(database)) {
                    position.setString(1, BackupFolder.quote(sequence[0]) + "." + BackupFolder.quote(sequence[1]));
                    boolean used = !sequence[2].isEmpty();
                    position.setLong(2, used ? Long.parseLong(sequence[2]) : 1);
                    position.setBoolean(3, used);
                    position.execute();
                }
            }
            connection.commit();
            return rows;
        }
    }

    /** The vault's own part size (civis.storage.part-size): most documents go in one request. */
    private static final long PART_SIZE = 8L * 1024 * 1024;

    private static long putObjects(MinioClient s3, String bucket, BackupFolder backup) throws Exception {
        List<String> names = backup.objectNames();
        BackupFolder.forEachObject(names, name -> {
            Path file = backup.object(name);
            try (InputStream in = Files.newInputStream(file)) {
                s3.putObject(PutObjectArgs.builder().bucket(bucket).object(name).stream(in, Files.size(file), PART_SIZE)
                        .build());
            }
        }, "écriture des objets S3 impossible");
        return names.size();
    }
}
