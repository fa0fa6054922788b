package fr.civis.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.minio.MinioClient;

/**
 * The layout of a backup folder, shared by {@link Backup} and {@link Restore}:
 * <pre>
 * objects/ab/ab12…           the vault's objects (ciphertext), by name
 * databases/NAME/tables.tsv  schema, table, columns, rows; one file SCHEMA.TABLE.copy each (PostgreSQL COPY text)
 * databases/NAME/sequences.tsv
 * keys/                      secrets.properties and the vault's PKCS#12 key store (development); never an HSM key
 * COMPLETE                   written last: a backup without it was interrupted and is refused
 * </pre>
 */
final class BackupFolder {

    static final String COMPLETE = "COMPLETE";
    static final String KEY_STORE = "keys/vault-master.p12";
    private static final String SECRETS = "secrets.properties";
    /** Object names the vault draws are hex; anything else could climb out of the folder and is refused. */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z._-]{1,200}");

    private static final int PARALLEL_REQUESTS = 8;

    private final Path root;

    private BackupFolder(Path root) {
        this.root = root;
    }

    /** A new backup: the folder must not exist or be empty, so that no older backup is mixed in. */
    static BackupFolder create(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("le dossier de sauvegarde " + root + " n'est pas vide");
                }
            }
        }
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        return new BackupFolder(root);
    }

    /** A finished backup, to restore. */
    static BackupFolder open(Path root) throws IOException {
        if (!Files.isRegularFile(root.resolve(COMPLETE))) {
            throw new IOException(root + " n'est pas une sauvegarde complète de Civis (fichier " + COMPLETE
                    + " absent : sauvegarde interrompue ?)");
        }
        return new BackupFolder(root);
    }

    static Connection connect(PlatformSettings settings, String database) throws SQLException {
        // The superuser of the launcher's PostgreSQL (trust on loopback, as the launcher itself connects).
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + settings.ports().postgres() + "/" + database, "postgres", "");
    }

    static MinioClient s3(PlatformSettings settings, Secrets secrets) throws IOException {
        return MinioClient.builder().endpoint(settings.s3Url())
                .credentials(secrets.get(Secrets.S3_ACCESS_KEY), secrets.get(Secrets.S3_SECRET_KEY))
                .region(settings.serviceEnv().getOrDefault("CIVIS_STORAGE_REGION", "us-east-1"))
                .build();
    }

    /** The vault's bucket, as the vault itself names it. */
    static String bucket(PlatformSettings settings) {
        return settings.serviceEnv().getOrDefault("CIVIS_STORAGE_BUCKET", "civis-vault");
    }

    static String checkedName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalStateException("nom d'objet inattendu dans le stockage : la sauvegarde s'arrête");
        }
        return name;
    }

    Path object(String name) {
        return root.resolve("objects").resolve(name.substring(0, Math.min(2, name.length()))).resolve(name);
    }

    /** Writes an object (through a temporary file, so an interrupted copy leaves no truncated object); its size. */
    long saveObject(String name, InputStream content) throws IOException {
        Path target = object(name);
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(name + ".partial");
        long size = Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return size;
    }

    /** Removes the objects no backed-up row names; how many. */
    long pruneObjectsExcept(Set<String> kept) throws IOException {
        Path objects = root.resolve("objects");
        if (!Files.exists(objects)) {
            return 0;
        }
        long removed = 0;
        try (Stream<Path> files = Files.walk(objects)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!kept.contains(file.getFileName().toString())) {
                    Files.delete(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** What is done to one object. */
    interface ObjectTask {
        void run(String name) throws Exception;
    }

    /**
     * Runs the task for every name with a few requests in flight (an object store answers several at once); stops at
     * the first failure and throws it, naming {@code what} failed.
     */
    static void forEachObject(List<String> names, ObjectTask task, String what) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < PARALLEL_REQUESTS; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                for (long i = next.getAndIncrement(); i < names.size() && failures.isEmpty(); i = next.getAndIncrement()) {
                    try {
                        task.run(names.get((int) i));
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IOException(what + " : " + failures.getFirst().getMessage(), failures.getFirst());
        }
    }

    /** Every object of the backup, by name. */
    List<String> objectNames() throws IOException {
        Path objects = root.resolve("objects");
        if (!Files.exists(objects)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(objects)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
        }
    }

    /** A table as the backup records it. */
    record Table(String schema, String name, List<String> columns) {

        String qualified() {
            return quote(schema) + "." + quote(name);
        }

        String columnList() {
            return String.join(", ", columns.stream().map(BackupFolder::quote).toList());
        }

        String fileName() {
            return schema + "." + name + ".copy";
        }

        String manifestLine(long rows) {
            return schema + "\t" + name + "\t" + String.join(",", columns) + "\t" + rows;
        }

        static Table ofManifestLine(String line) {
            String[] fields = line.split("\t");
            return new Table(fields[0], fields[1], Arrays.asList(fields[2].split(",")));
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The ordinary tables of a database (not PostgreSQL's own), with their stored columns in order. */
    static List<Table> tables(Connection connection) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT n.nspname, c.relname, array_agg(a.attname::text ORDER BY a.attnum)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                GROUP BY n.nspname, c.relname ORDER BY 1, 2""");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                tables.add(new Table(result.getString(1), result.getString(2),
                        List.of((String[]) result.getArray(3).getArray())));
            }
        }
        return tables;
    }

    OutputStream tableOutput(String database, Table table) throws IOException {
        Path folder = Files.createDirectories(root.resolve("databases").resolve(database));
        return Files.newOutputStream(folder.resolve(table.fileName()));
    }

    InputStream tableInput(String database, Table table) throws IOException {
        return Files.newInputStream(root.resolve("databases").resolve(database).resolve(table.fileName()));
    }

    void writeDatabaseManifest(String database, List<String> tables, List<String> sequences) throws IOException {
        Path folder = Files.createDirectories(root.resolve("databases").resolve(database));
        Files.write(folder.resolve("tables.tsv"), tables);
        Files.write(folder.resolve("sequences.tsv"), sequences);
    }

    List<Table> tables(String database) throws IOException {
        return Files.readAllLines(root.resolve("databases").resolve(database).resolve("tables.tsv")).stream()
                .filter(line -> !line.isBlank()).map(Table::ofManifestLine).toList();
    }

    /** Schema, sequence name and last value (empty when never used). */
    List<String[]> sequences(String database) throws IOException {
        return Files.readAllLines(root.resolve("databases").resolve(database).resolve("sequences.tsv")).stream()
                .filter(line -> !line.isBlank()).map(line -> line.split("\t", -1)).toList();
    }

    /**
     * The development key material: the secrets file (database passwords, S3 keys, the key store's passphrase, the
     * consent receipts' wrapping key) and the PKCS#12 key store, when the vault uses one.
     */
    void saveKeys(Path dataDir) throws IOException {
        Path keys = Files.createDirectories(root.resolve("keys"));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
        Files.copy(dataDir.resolve(SECRETS), keys.resolve(SECRETS), StandardCopyOption.COPY_ATTRIBUTES);
        Path keyStore = dataDir.resolve(KEY_STORE);
        if (Files.exists(keyStore)) {
            Files.copy(keyStore, root.resolve(KEY_STORE), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Puts the key material back into a fresh data folder, before anything starts there. */
    void restoreKeys(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Files.copy(root.resolve("keys").resolve(SECRETS), dataDir.resolve(SECRETS), StandardCopyOption.COPY_ATTRIBUTES);
        Path keyStore = root.resolve(KEY_STORE);
        if (Files.exists(keyStore)) {
            Files.createDirectories(dataDir.resolve(KEY_STORE).getParent());
            Files.copy(keyStore, dataDir.resolve(KEY_STORE), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    void complete(Backup.Summary summary) throws IOException {
        Properties facts = new Properties();
        facts.setProperty("created", Instant.now().toString());
        facts.setProperty("objects", Long.toString(summary.objects()));
        facts.setProperty("object-bytes", Long.toString(summary.objectBytes()));
        facts.setProperty("rows", Long.toString(summary.rows()));
        facts.setProperty("snapshot-at", summary.snapshotAt().toString());
        facts.setProperty("objects-left-out", Long.toString(summary.objectsLeftOut()));
        facts.setProperty("documents-deleted-late", Long.toString(summary.documentsDeletedLate()));
        facts.setProperty("seconds", Long.toString(summary.took().toSeconds()));
        try (Writer writer = Files.newBufferedWriter(root.resolve(COMPLETE + ".tmp"))) {
            facts.store(writer, "Civis backup: complete");
        }
        Files.move(root.resolve(COMPLETE + ".tmp"), root.resolve(COMPLETE), StandardCopyOption.ATOMIC_MOVE);
    }
}
