package fr.civis.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.postgresql.PGConnection;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

/**
 * {@code ./civis backup DIR}: a consistent copy of a running platform (docs/adr/0018-backup-consistency.md). Objects
 * first, then one snapshot per database, then the objects that rows of the snapshot name and the first pass missed;
 * the key material last. A backup is usable only once its {@value BackupFolder#COMPLETE} file is written.
 */
public final class Backup {

    /**
     * The order the database snapshots are pinned in: the vault's rows name consents and accounts, and a consent names
     * an account, so each snapshot is taken after the ones whose rows may name its rows, and holds all they name.
     */
    static final List<String> SNAPSHOT_ORDER = List.of("vault", "consent", "keycloak");

    /**
     * Keycloak's persistent sessions (online and offline, with their clients): their tables are in the backup, their
     * rows are not. A restored session would outlive every logout made after the backup (a citizen who signed out at
     * the town hall's kiosk, staff signed out after a theft), so a restore signs everyone out; nothing else names
     * these rows, and a backup keeps no addresses or devices of sessions.
     */
    static final Set<String> KEYCLOAK_SESSION_TABLES = Set.of("offline_user_session", "offline_client_session");

    /**
     * What a backup holds, and how long it took.
     *
     * @param snapshotAt           when the database snapshots were pinned: the backup's point in time
     * @param objectsLeftOut       objects copied by the first pass that no backed-up row names (documents deleted
     *                             before the snapshots, uploads not committed by then)
     * @param documentsDeletedLate rows of the vault's snapshot left out because their document was deleted, and its
     *                             object removed, before the second pass could copy it
     */
    public record Summary(long objects, long objectBytes, long rows, Instant snapshotAt, long objectsLeftOut,
            long documentsDeletedLate, Duration took) {
    }

    private Backup() {
    }

    public static Summary run(PlatformSettings settings, Path target, Consumer<String> progress) throws Exception {
        Instant begin = Instant.now();
        BackupFolder folder = BackupFolder.create(target);
        Secrets secrets = Secrets.existing(settings.dataDir());
        MinioClient s3 = BackupFolder.s3(settings, secrets);
        String bucket = BackupFolder.bucket(settings);

        // 1. Objects first: every object already there. A document committed before the snapshots below has its
        //    object complete before its row (ADR 0005), so it is copied here or in step 3.
        progress.accept("Objets S3 (premier passage)…");
        Map<String, Long> copied = new ConcurrentHashMap<>();
        List<String> names = new ArrayList<>();
        for (Result<Item> result : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            Item item = result.get();
            if (!item.isDir()) {
                names.add(BackupFolder.checkedName(item.objectName()));
            }
        }
        copyObjects(s3, bucket, names, folder, copied);

        // 2. The snapshots, pinned one after the other, all before any row is read.
        progress.accept("Instantanés des bases (" + String.join(", ", SNAPSHOT_ORDER) + ")…");
        Map<String, Connection> snapshots = new LinkedHashMap<>();
        Instant snapshotAt = Instant.now();
        try {
            for (String database : SNAPSHOT_ORDER) {
                Connection connection = BackupFolder.connect(settings, database);
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement pin = connection.createStatement()) {
                    // The first statement of a repeatable-read transaction takes its snapshot.
                    pin.execute("SELECT 1");
                }
                snapshots.put(database, connection);
            }

            // 3. Objects named by the vault's snapshot that the first pass did not see (uploaded meanwhile). One
            //    that is gone now belonged to a document deleted after the snapshot: its row is left out below, so
            //    the backup lists no document it cannot open, and resurrects no deleted one.
            Set<String> named = documentObjects(snapshots.get("vault"));
            List<String> missing = named.stream().filter(name -> !copied.containsKey(name)).toList();
            progress.accept("Objets S3 (second passage : " + missing.size() + ")…");
            copyObjects(s3, bucket, missing, folder, copied);
            Set<String> gone = missing.stream().filter(name -> !copied.containsKey(name))
                    .collect(Collectors.toCollection(HashSet::new));

            // 4. The rows. The document keys are in these rows: a document deleted before the snapshots has no key
            //    in the backup, whatever objects the first pass copied (they are pruned at the end).
            long rows = 0;
            for (var snapshot : snapshots.entrySet()) {
                progress.accept("Base " + snapshot.getKey() + "…");
                rows += dumpDatabase(snapshot.getValue(), folder, snapshot.getKey(),
                        snapshot.getKey().equals("vault") ? gone : Set.of());
            }
            for (Connection connection : snapshots.values()) {
                connection.commit();
            }

            // 5. Only objects whose rows are in the backup: one copied in step 1 whose document was deleted before
            //    the snapshot, or an upload not yet committed, is not kept.
            named.removeAll(gone);
            long leftOut = folder.pruneObjectsExcept(named);

            // 6. The key material, after the snapshots: a master key added by a rotation before them is in the key
            //    store by then (keys are added to it before any row names them, and never removed by Civis).
            progress.accept("Clés…");
            folder.saveKeys(settings.dataDir());

            long bytes = 0;
            for (String name : named) {
                bytes += copied.get(name);
            }
            Summary summary = new Summary(named.size(), bytes, rows, snapshotAt, leftOut, gone.size(),
                    Duration.between(begin, Instant.now()));
            folder.complete(summary);
            return summary;
        } finally {
            for (Connection connection : snapshots.values()) {
                connection.close();
            }
        }
    }

    private static Set<String> documentObjects(Connection vault) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement statement = vault.createStatement();
                ResultSet result = statement.executeQuery("SELECT object_name FROM document")) {
            while (result.next()) {
                names.add(BackupFolder.checkedName(result.getString(1)));
            }
        }
        return names;
    }

    /** Copies objects; one that no longer exists is simply not copied. */
    private static void copyObjects(MinioClient s3, String bucket, List<String> names, BackupFolder folder,
            Map<String, Long> copied) throws Exception {
        BackupFolder.forEachObject(names, name -> {
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(name).build())) {
                copied.put(name, folder.saveObject(name, in));
            } catch (ErrorResponseException e) {
                if (!"NoSuchKey".equals(e.errorResponse().code())) {
                    throw e;
                }
            }
        }, "copie des objets S3 impossible");
    }

    /**
     * Every table of the database, as PostgreSQL's COPY text, and every sequence's position, from the connection's
     * snapshot. Rows of {@code document} whose object is in {@code objectsGone} are left out, and so are Keycloak's
     * sessions ({@link #KEYCLOAK_SESSION_TABLES}).
     */
    private static long dumpDatabase(Connection connection, BackupFolder folder, String database,
            Set<String> objectsGone) throws Exception {
        long rows = 0;
        List<String> manifest = new ArrayList<>();
        for (BackupFolder.Table table : BackupFolder.tables(connection)) {
            String source = table.qualified();
            if (database.equals("vault") && table.schema().equals("public") && table.name().equals("document")
                    && !objectsGone.isEmpty()) {
                // Names are checked to be [0-9A-Za-z._-]: nothing to escape in the literal.
                source = "(SELECT " + table.columnList() + " FROM public.document WHERE object_name <> ALL ('{"
                        + String.join(",", objectsGone) + "}'::text[]))";
            }
            boolean sessions = database.equals("keycloak") && table.schema().equals("public")
                    && KEYCLOAK_SESSION_TABLES.contains(table.name());
            long count = 0;
            try (OutputStream out = folder.tableOutput(database, table)) {
                // A session table is written empty: the restore checks every table is there, and loads no session.
                if (!sessions) {
                    count = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(
                            "COPY " + source + (source.startsWith("(") ? "" : " (" + table.columnList() + ")")
                                    + " TO STDOUT", out);
                }
            }
            rows += count;
            manifest.add(table.manifestLine(count));
        }
        List<String> sequences = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2")) {
            while (result.next()) {
                long value = result.getLong(3);
                // wasNull() speaks of the last column read: ask it before reading another (a sequence never used).
                String lastValue = result.wasNull() ? "" : Long.toString(value);
                sequences.add(result.getString(1) + "\t" + result.getString(2) + "\t" + lastValue);
            }
        }
        folder.writeDatabaseManifest(database, manifest, sequences);
        return rows;
    }
}
