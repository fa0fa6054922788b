package fr.civis.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The whole platform on real parts, started in dependency order (Keycloak beside the services, which need it only
 * once they serve), each part waited for by a health check, stopped in reverse order. One database per component; every secret from {@link Secrets}.
 */
public final class Platform implements AutoCloseable {

    /** The databases and the roles that own them, one per component. */
    public static final List<String> DATABASES = List.of("keycloak", "consent", "vault");

    /**
     * Databases whose service connects as a runtime role ({@code <database>_app}) with only the rights its migrations
     * grant it, while the owner role runs the migrations: consent-service, whose journal the service itself must not
     * be able to rewrite.
     */
    public static final List<String> RUNTIME_ROLES = List.of("consent");

    // Generous: on a quiet machine Keycloak is ready in about a minute and a service in twenty seconds, but on a
    // shared 2-core machine several platforms starting at once took over five minutes, and a slow start is no failure.
    private static final Duration KEYCLOAK_START = Duration.ofMinutes(12);
    private static final Duration SERVICE_START = Duration.ofMinutes(5);

    private final PlatformSettings settings;
    private final Secrets secrets;
    private final Consumer<String> progress;
    private final Parts parts;
    private final KeycloakBuilds keycloakBuilds;
    /** The running PostgreSQL, or null while {@link #stopDatabase()} has it stopped. */
    private EmbeddedPostgres database;
    private final String java = ProcessHandle.current().info().command().orElse("java");

    private Platform(PlatformSettings settings, Secrets secrets, Consumer<String> progress) {
        this.settings = settings;
        this.secrets = secrets;
        this.progress = progress;
        this.parts = new Parts(settings.dataDir(), progress);
        this.keycloakBuilds = new KeycloakBuilds(settings.runtimeDir());
    }

    /**
     * Starts every part; on any failure stops what had started and rethrows. Keycloak starts on a thread of its own
     * beside the rest: no part needs it to be ready to start (the services fetch its keys on first use, and its
     * security events wait in its outbox until consent-service answers), and its half-minute start on one core no
     * longer comes before the services' on the other.
     */
    public static Platform start(PlatformSettings settings, Consumer<String> progress) throws Exception {
        Platform platform = new Platform(settings, Secrets.loadOrCreate(settings.dataDir()), progress);
        ManagedProcess.stopLeftovers(settings.dataDir());
        ExecutorService keycloakStarter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("keycloak-start")
                .daemon().factory());
        try {
            platform.startPostgres();
            Future<Void> keycloak = keycloakStarter.submit(() -> {
                platform.startKeycloak();
                return null;
            });
            platform.startObjectStore();
            platform.startMailCatcher();
            boolean scanning = platform.startVirusScanner();
            platform.startService("consent-service", "consent-service", "consent", settings.ports().consent(),
                    settings.ports().consentManagement(), platform.consentEnv());
            platform.startService("vault-service", "vault-service", "vault", settings.ports().vault(),
                    settings.ports().vaultManagement(), platform.vaultEnv(settings.consentUrl(), scanning));
            // More instances on the same database and bucket, started one after the other so that only the first
            // runs the migrations; each vault talks to the consent-service of its own node.
            for (int i = 0; i < settings.moreNodes().size(); i++) {
                var node = settings.moreNodes().get(i);
                String suffix = "-" + (i + 2);
                platform.startService("consent-service" + suffix, "consent-service", "consent", node.consent(),
                        node.consentManagement(), platform.consentEnv());
                platform.startService("vault-service" + suffix, "vault-service", "vault", node.vault(),
                        node.vaultManagement(), platform.vaultEnv(node.consentUrl(), scanning));
            }
            platform.startMairieDemo();
            awaitStarted(keycloak);
            return platform;
        } catch (Exception | Error failure) {
            // Keycloak's start is stopped and waited for before closing, so that nothing it launches outlives close.
            keycloakStarter.shutdownNow();
            keycloakStarter.awaitTermination(1, TimeUnit.MINUTES);
            platform.close();
            throw failure;
        } finally {
            keycloakStarter.shutdown();
        }
    }

    private static void awaitStarted(Future<Void> start) throws Exception {
        try {
            start.get();
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw failed;
        }
    }

    /** consent-service connects as its runtime role; the owner role runs the migrations. */
    private Map<String, String> consentEnv() throws IOException {
        return Map.ofEntries(
                Map.entry("SPRING_DATASOURCE_USERNAME", runtimeRole("consent")),
                Map.entry("SPRING_DATASOURCE_PASSWORD", secrets.runtimeRolePassword("consent")),
                Map.entry("SPRING_FLYWAY_USER", "consent"),
                Map.entry("SPRING_FLYWAY_PASSWORD", secrets.databasePassword("consent")),
                Map.entry("SPRING_FLYWAY_PLACEHOLDERS_RUNTIMEROLE", runtimeRole("consent")),
                Map.entry("CIVIS_RECIPIENTS_CLIENT_SECRET", secrets.get(Secrets.CONSENT_CLIENT_SECRET)),
                Map.entry("CIVIS_RECEIPTS_WRAPPING_KEY", secrets.get(Secrets.CONSENT_RECEIPT_WRAPPING_KEY)),
                // The DPO console's one registered return address: node 1's, whichever node serves the page.
                Map.entry("CIVIS_DPO_REDIRECT_URI", settings.consentUrl() + "/dpo/"),
                // The e-mail sent when a service accessed a citizen's document, with a link to the portal (ADR 0025).
                Map.entry("SPRING_MAIL_HOST", "127.0.0.1"),
                Map.entry("SPRING_MAIL_PORT", Integer.toString(settings.ports().smtp())),
                Map.entry("CIVIS_ACCESS_NOTICES_PORTAL_URL", settings.portalUrl() + "/"));
    }

    /** A vault instance, talking to {@code consentUrl}; every instance shares the database, bucket and key store. */
    private Map<String, String> vaultEnv(String consentUrl, boolean scanning) throws IOException {
        return Map.ofEntries(
                Map.entry("CIVIS_PORTAL_REDIRECT_URI", settings.portalUrl() + "/"),
                Map.entry("CIVIS_STORAGE_ENDPOINT", settings.s3Url()),
                Map.entry("CIVIS_STORAGE_ACCESS_KEY", secrets.get(Secrets.S3_ACCESS_KEY)),
                Map.entry("CIVIS_STORAGE_SECRET_KEY", secrets.get(Secrets.S3_SECRET_KEY)),
                Map.entry("CIVIS_KEYS_KEYSTORE",
                        settings.dataDir().resolve("keys/vault-master.p12").toString()),
                Map.entry("CIVIS_KEYS_PASSPHRASE", secrets.get(Secrets.VAULT_KEYSTORE_PASSPHRASE)),
                Map.entry("CIVIS_DIRECTORY_CLIENT_SECRET", secrets.get(Secrets.VAULT_CLIENT_SECRET)),
                // Releases are checked and journaled there before a byte leaves (docs/release-api.md).
                Map.entry("CIVIS_CONSENT_URL", consentUrl),
                Map.entry("SPRING_MAIL_HOST", "127.0.0.1"),
                Map.entry("SPRING_MAIL_PORT", Integer.toString(settings.ports().smtp())),
                // Empty when clamd is not installed: the vault then says it does not scan.
                Map.entry("CIVIS_SCANNING_CLAMD_PORT",
                        scanning ? Integer.toString(settings.ports().clamd()) : ""));
    }

    public PlatformSettings settings() {
        return settings;
    }

    public Secrets secrets() {
        return secrets;
    }

    /**
     * The parts that run as processes, by the names used below: s3proxy, greenmail, clamd (when installed), keycloak,
     * consent-service, vault-service (and consent-service-2, vault-service-2… with more nodes), mairie-demo.
     * PostgreSQL is not among them: everything depends on it ({@link #stopDatabase()} and {@link #startDatabase()}).
     */
    public Set<String> parts() {
        return parts.names();
    }

    public boolean isRunning(String part) {
        return parts.isRunning(part);
    }

    /** The process id of a running part (for jcmd and the like). */
    public long pid(String part) {
        return parts.pid(part);
    }

    /** Stops one part as {@link #close()} would (SIGTERM, then SIGKILL after a grace period); the rest keeps running. */
    public void stop(String part) {
        parts.stop(part);
    }

    /** Kills one part at once (SIGKILL), as a crash would; the rest keeps running. */
    public void kill(String part) {
        parts.kill(part);
    }

    /** Starts one part again (stopping it first if it runs) with the same command and environment, and awaits its health. */
    public void restart(String part) throws IOException, InterruptedException {
        parts.restart(part);
    }

    /**
     * Stops PostgreSQL (a fast shutdown: connections are cut, nothing committed is lost) while everything else keeps
     * running, as an outage of the database would; {@link #startDatabase()} brings it back on the same data and port.
     */
    public synchronized void stopDatabase() throws IOException {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** Starts PostgreSQL again after {@link #stopDatabase()}; the services reconnect by themselves. */
    public synchronized void startDatabase() throws IOException {
        if (database == null) {
            progress.accept("PostgreSQL (redémarrage)…");
            database = embeddedPostgres();
        }
    }

    private void startPostgres() throws IOException, SQLException {
        progress.accept("PostgreSQL…");
        database = embeddedPostgres();
        // Closed last, after everything that uses it; whichever instance runs by then.
        parts.add(this::stopDatabase);
        try (Connection connection = database.getPostgresDatabase().getConnection()) {
            for (String name : DATABASES) {
                createDatabase(connection, name, secrets.databasePassword(name));
            }
            for (String name : RUNTIME_ROLES) {
                createRuntimeRole(connection, name, secrets.runtimeRolePassword(name));
            }
        }
    }

    /** PostgreSQL on the platform's data folder (kept: a second start serves the same data) and port. */
    private EmbeddedPostgres embeddedPostgres() throws IOException {
        Path logs = Files.createDirectories(settings.dataDir().resolve("logs"));
        return EmbeddedPostgres.builder()
                .setDataDirectory(settings.dataDir().resolve("postgres"))
                .setCleanDataDirectory(false)
                // Our own close() stops PostgreSQL last, after everything that uses it.
                .setRegisterShutdownHook(false)
                .setPort(settings.ports().postgres())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile()))
                .start();
    }

    /** The role a service connects as when its database has a runtime role. */
    public static String runtimeRole(String database) {
        return database + "_app";
    }

    /**
     * A login role that owns nothing: it may connect to {@code database} and use what the migrations (run by the
     * owner) grant it, nothing more. Idempotent, like {@link #createDatabase}.
     */
    private static void createRuntimeRole(Connection connection, String database, String password) throws SQLException {
        String role = runtimeRole(database);
        try (Statement statement = connection.createStatement()) {
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                statement.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
                        + "PASSWORD '" + password + "'");
            } else {
                statement.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            }
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
        }
    }

    /** Idempotent: a second start keeps the data and only re-applies the password from the secrets file. */
    private static void createDatabase(Connection connection, String name, String password) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Names are our constants and passwords are URL-safe base64: nothing to escape.
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", name)) {
                statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            } else {
                statement.execute("ALTER ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            }
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                statement.execute("CREATE DATABASE " + name + " OWNER " + name + " ENCODING 'UTF8'");
            }
        }
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    private void startObjectStore() throws IOException, InterruptedException {
        progress.accept("Stockage S3 (s3proxy)…");
        Path objects = Files.createDirectories(settings.dataDir().resolve("s3"));
        Path config = settings.dataDir().resolve("s3proxy.properties");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, String.join("\n",
                "s3proxy.endpoint=" + settings.s3Url(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + secrets.get(Secrets.S3_ACCESS_KEY),
                "s3proxy.credential=" + secrets.get(Secrets.S3_SECRET_KEY),
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + objects,
                ""));
        // Any HTTP answer (403 to an unsigned request) means the server is up.
        parts.launch("s3proxy", List.of(java, "-Xmx256m", "-jar",
                runtime("s3proxy.jar").toString(), "--properties", config.toString()), Map.of(),
                s3 -> s3.awaitHttp(URI.create(settings.s3Url() + "/"), status -> status > 0, Duration.ofMinutes(1)));
    }

    private void startMailCatcher() throws IOException, InterruptedException {
        progress.accept("Messagerie de test (GreenMail)…");
        var ports = settings.ports();
        parts.launch("greenmail", List.of(java, "-Xmx128m",
                "-Dgreenmail.hostname=127.0.0.1",
                "-Dgreenmail.smtp.port=" + ports.smtp(),
                "-Dgreenmail.imap.port=" + ports.imap(),
                "-Dgreenmail.api.hostname=127.0.0.1",
                "-Dgreenmail.api.port=" + ports.mailWeb(),
                "-Dgreenmail.auth.disabled",
                "-jar", runtime("greenmail.jar").toString()), Map.of(),
                mail -> mail.awaitHttp(URI.create(settings.mailWebUrl() + "/api/service/readiness"),
                        status -> status == 200, Duration.ofMinutes(1)));
    }

    /** Where Debian's clamav-daemon puts clamd. */
    private static final List<Path> CLAMD = List.of(Path.of("/usr/sbin/clamd"), Path.of("/usr/bin/clamd"));

    /**
     * The EICAR test file, as a whole-file hash and as a body pattern: what an offline machine can detect. With
     * network access, production points clamd at the signature folder freshclam keeps up to date instead.
     */
    private static final String EICAR_HASH = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n";
    private static final String EICAR_BODY = "Eicar-Test-Signature-Body:0:*:"
            + "58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e54495649"
            + "5255532d544553542d46494c452124482b482a\n";

    /** Starts clamd when installed; false (and a plain message) when it is not. */
    private boolean startVirusScanner() throws IOException, InterruptedException {
        Path clamd = CLAMD.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (clamd == null) {
            progress.accept("ClamAV (clamd) n'est pas installé : les documents ne seront pas analysés "
                    + "(Debian : apt-get install clamav-daemon).");
            return false;
        }
        progress.accept("Antivirus (ClamAV)…");
        Path home = Files.createDirectories(settings.dataDir().resolve("clamav"));
        Path signatures = Files.createDirectories(home.resolve("signatures"));
        Files.writeString(signatures.resolve("civis-eicar.hdb"), EICAR_HASH);
        Files.writeString(signatures.resolve("civis-eicar.ndb"), EICAR_BODY);
        Path config = home.resolve("clamd.conf");
        long stream = maxDocumentMegabytes() + 1;
        Files.writeString(config, String.join("\n",
                "Foreground yes",
                "TCPAddr 127.0.0.1",
                "TCPSocket " + settings.ports().clamd(),
                "DatabaseDirectory " + signatures,
                "TemporaryDirectory " + Files.createDirectories(home.resolve("tmp")),
                // Limits sized for the vault's largest document (20 MB by default) rather than ten times more (ADR
                // 0012). A document is one stream: a little above that size; a file found inside it (a PDF's inflated
                // stream, an archive's member) may be larger than the document, and all of them together larger still.
                "StreamMaxLength " + stream + "M",
                "MaxFileSize " + Math.max(100, stream) + "M",
                "MaxScanSize " + Math.min(4000, Math.max(400, 2 * stream)) + "M",
                // A scan that takes a minute is refused, within the vault's two-minute wait for the verdict; a vault
                // configured for very large documents gets clamd's default two minutes.
                "MaxScanTime " + (stream <= 21 ? 60000 : 120000),
                // Images are still parsed for known exploits, but not decoded to compute fuzzy hashes: decoding
                // costs about 5 bytes a pixel, 1.3 GB and 17 s of CPU for a 261 KB PNG of 268 megapixels.
                "ScanImage yes",
                "ScanImageFuzzyHash no",
                // What is too large, too deep or too long to scan completely counts as infected, not as clean.
                "AlertExceedsMax yes",
                "LogTime yes",
                ""));
        parts.launch("clamd", List.of(clamd.toString(), "--config-file=" + config), Map.of(),
                scanner -> scanner.await("PING", () -> ping(settings.ports().clamd()), Duration.ofMinutes(2)));
        return true;
    }

    private static final Pattern DATA_SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?");

    /**
     * The vault's largest document in whole megabytes (Spring's DataSize), as the vault will see it: the services'
     * own settings, else the environment the launcher passes on to every part, else the vault's default.
     */
    private long maxDocumentMegabytes() {
        String name = "CIVIS_DOCUMENTS_MAX_DOCUMENT_SIZE";
        String size = settings.serviceEnv().getOrDefault(name, System.getenv().getOrDefault(name, "20MB"))
                .trim().toUpperCase();
        var parsed = DATA_SIZE.matcher(size);
        if (!parsed.matches()) {
            throw new IllegalArgumentException(name + " is not a size: " + size);
        }
        long bytes = Long.parseLong(parsed.group(1)) * switch (parsed.group(2) == null ? "B" : parsed.group(2)) {
            case "KB" -> 1024L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.max(1, (bytes + 1024 * 1024 - 1) / (1024 * 1024));
    }

    private static boolean ping(int port) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("zPING\0".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readNBytes(5);
            return new String(answer, StandardCharsets.US_ASCII).equals("PONG\0");
        }
    }

    /** Port of the Keycloak nodes' cluster transport, each node on its own loopback address (127.0.0.n). */
    static final int KEYCLOAK_CLUSTER_PORT = 7800;

    /**
     * Keycloak: one node in development mode, or with more nodes ({@code --nodes 2}) as many in production mode
     * ({@code kc.sh start}, the only mode that clusters): Infinispan caches over the jdbc-ping stack on the shared
     * database, node n's transport on 127.0.0.n, one issuer for all (the first node's address), each node in its own
     * copy of the distribution (Keycloak keeps its transaction log under its home). ADR 0023.
     */
    private void startKeycloak() throws IOException, InterruptedException {
        progress.accept("Keycloak (premier démarrage : environ une minute)…");
        startKeycloakNode("keycloak", 1, settings.keycloakHome(), settings.ports().keycloak(),
                settings.ports().keycloakManagement(), settings.keycloakUrl(), settings.consentUrl());
        for (int i = 0; settings.keycloakCluster() && i < settings.moreNodes().size(); i++) {
            var node = settings.moreNodes().get(i);
            progress.accept("Keycloak, nœud " + (i + 2) + "…");
            startKeycloakNode("keycloak-" + (i + 2), i + 2,
                    settings.keycloakHome().resolveSibling(settings.keycloakHome().getFileName() + "-" + (i + 2)),
                    node.keycloak(), node.keycloakManagement(), node.keycloakUrl(), node.consentUrl());
        }
    }

    /**
     * One node, which sends its security events through its own token endpoint to its own node's consent-service: a
     * node's events never wait for another node to come back.
     */
    private void startKeycloakNode(String name, int number, Path home, int port, int managementPort, String ownUrl,
            String consentUrl) throws IOException, InterruptedException {
        Path zip = runtime("keycloak.zip");
        String mode = settings.keycloakCluster() ? "cluster" : "dev";
        boolean unpacked = unpackKeycloak(zip, home);
        installExtensions(home);
        if (unpacked) {
            // A new copy: the build an earlier copy made with the same providers and mode, if there is one.
            keycloakBuilds.reuse(zip, home, mode);
        }
        var ports = settings.ports();
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", Path.of(java).getParent().getParent().toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
        env.put("KC_DB", "postgres");
        env.put("KC_DB_URL", "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/keycloak");
        env.put("KC_DB_USERNAME", "keycloak");
        env.put("KC_DB_PASSWORD", secrets.databasePassword("keycloak"));
        env.put("KC_HTTP_HOST", "127.0.0.1");
        env.put("KC_HTTP_PORT", Integer.toString(port));
        env.put("KC_HTTP_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("KC_HEALTH_ENABLED", "true");
        env.put("KC_METRICS_ENABLED", "true");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.get(Secrets.KEYCLOAK_ADMIN_PASSWORD));
        // Placeholders of the realm files (realm-config).
        env.put("CIVIS_PORTAL_URL", settings.portalUrl());
        env.put("CIVIS_CONSENT_URL", settings.consentUrl());
        env.put("CIVIS_MAIRIE_DEMO_URL", settings.mairieDemoUrl());
        env.put("CIVIS_MAIRIE_DEMO_SECRET", secrets.get(Secrets.MAIRIE_DEMO_SECRET));
        env.put("CIVIS_MAIRIE_DEMO_PAIRWISE_SALT", secrets.get(Secrets.MAIRIE_DEMO_PAIRWISE_SALT));
        env.put("CIVIS_PARTENAIRE_EAU_SECRET", secrets.get(Secrets.PARTENAIRE_EAU_SECRET));
        env.put("CIVIS_PARTENAIRE_EAU_PAIRWISE_SALT", secrets.get(Secrets.PARTENAIRE_EAU_PAIRWISE_SALT));
        env.put("CIVIS_VAULT_CLIENT_SECRET", secrets.get(Secrets.VAULT_CLIENT_SECRET));
        env.put("CIVIS_CONSENT_CLIENT_SECRET", secrets.get(Secrets.CONSENT_CLIENT_SECRET));
        env.put("CIVIS_EVENTS_CLIENT_SECRET", secrets.get(Secrets.EVENTS_CLIENT_SECRET));
        env.put("CIVIS_SMTP_HOST", "127.0.0.1");
        env.put("CIVIS_SMTP_PORT", Integer.toString(ports.smtp()));
        // FranceConnect: the simulator realm of this Keycloak unless the environment names the real one.
        env.put("CIVIS_KEYCLOAK_URL", settings.keycloakUrl());
        env.put("CIVIS_FRANCECONNECT_ENVIRONMENT", System.getenv().getOrDefault("CIVIS_FRANCECONNECT_ENVIRONMENT", "custom"));
        env.put("CIVIS_FRANCECONNECT_ISSUER", System.getenv().getOrDefault("CIVIS_FRANCECONNECT_ISSUER",
                settings.keycloakUrl() + "/realms/franceconnect-sim"));
        env.put("CIVIS_FRANCECONNECT_CLIENT_ID", System.getenv().getOrDefault("CIVIS_FRANCECONNECT_CLIENT_ID", "civis"));
        env.put("CIVIS_FRANCECONNECT_CLIENT_SECRET", System.getenv().getOrDefault("CIVIS_FRANCECONNECT_CLIENT_SECRET",
                secrets.get(Secrets.FRANCECONNECT_CLIENT_SECRET)));
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        if (!settings.keycloakCluster()) {
            command.addAll(List.of("start-dev", "--import-realm"));
        } else {
            command.addAll(List.of("start", "--cache=ispn", "--cache-stack=jdbc-ping",
                    "--cache-embedded-network-bind-address=127.0.0." + number,
                    "--cache-embedded-network-bind-port=" + KEYCLOAK_CLUSTER_PORT,
                    "--http-enabled=true", "--hostname=" + settings.keycloakUrl(), "--hostname-backchannel-dynamic=true",
                    // The development SMS sender refuses production mode unless told this is a demonstration on one
                    // machine; a city's cluster chooses civis-http instead.
                    "--spi-civis-sms-sender--civis-dev--local-demo-in-production-mode=true"));
            if (number == 1) {
                command.add("--import-realm");
            }
        }
        // Development SMS sender: codes land in data/sms/.
        command.add("--spi-civis-sms-sender--civis-dev--file=" + settings.devSmsFile());
        // Security events to consent-service's journal, through the outbox (docs/adr/0019): while consent-service is
        // not yet (or no longer) up, they wait there.
        command.add("--spi-events-listener--civis-journal--consent-url=" + consentUrl);
        command.add("--spi-events-listener--civis-journal--token-url=" + ownUrl
                + "/realms/civis/protocol/openid-connect/token");
        parts.launch(name, command, env,
                keycloak -> keycloak.awaitHttp(
                        URI.create("http://127.0.0.1:" + managementPort + "/health/ready"),
                        status -> status == 200, KEYCLOAK_START));
        keycloakBuilds.remember(zip, home, mode);
    }

    /** The distribution zip is unpacked once per version into the build folder; says whether it was just now. */
    private boolean unpackKeycloak(Path zip, Path home) throws IOException {
        Path marker = home.resolve(".civis-unpacked");
        String stamp = Files.size(zip) + ":" + Files.getLastModifiedTime(zip).toMillis();
        if (Files.exists(marker) && Files.readString(marker).equals(stamp)) {
            return false;
        }
        progress.accept("  décompression de Keycloak dans " + home);
        deleteRecursively(home);
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : archive.stream().toList()) {
                // Entries sit under keycloak-<version>/; strip that folder.
                String name = entry.getName().substring(entry.getName().indexOf('/') + 1);
                Path target = home.resolve(name).normalize();
                if (name.isEmpty() || !target.startsWith(home)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Files.writeString(marker, stamp);
        return true;
    }

    /** Our providers and themes, and the realm files to import (demo accounts only in development). */
    private void installExtensions(Path home) throws IOException {
        Path providers = Files.createDirectories(home.resolve("providers"));
        try (Stream<Path> ours = Files.list(runtime("providers"))) {
            for (Path jar : ours.toList()) {
                // With its modification time: Keycloak re-augments (a minute or more here) whenever a provider's
                // time differs from the one it built with, so a fresh copy of the same jar at every start cost that.
                Files.copy(jar, providers.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        // The realm's password policy names this blocklist; Keycloak reads it from data/password-blacklists.
        Path blocklists = Files.createDirectories(home.resolve("data/password-blacklists"));
        Files.copy(runtime("realms/password-blacklists/civis-common-passwords.txt"),
                blocklists.resolve("civis-common-passwords.txt"), StandardCopyOption.REPLACE_EXISTING);
        Path imports = home.resolve("data/import");
        deleteRecursively(imports);
        Files.createDirectories(imports);
        Files.copy(runtime("realms/civis-realm.json"), imports.resolve("civis-realm.json"));
        if (settings.devData()) {
            Files.copy(runtime("realms/dev/civis-users-0.json"), imports.resolve("civis-users-0.json"));
            Files.copy(runtime("realms/dev/franceconnect-sim-realm.json"), imports.resolve("franceconnect-sim-realm.json"));
        }
    }

    /** Starts {@code service}'s jar as the part {@code name} (the service's own name, or with its node's number). */
    private void startService(String name, String service, String database, int port, int managementPort,
            Map<String, String> extra) throws IOException, InterruptedException {
        progress.accept(name + "…");
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + settings.ports().postgres() + "/" + database);
        env.put("SPRING_DATASOURCE_USERNAME", database);
        env.put("SPRING_DATASOURCE_PASSWORD", secrets.databasePassword(database));
        env.put("CIVIS_SECURITY_ISSUER", settings.issuer());
        // The service's own settings override the defaults above (consent-service connects as its runtime role).
        env.putAll(extra);
        env.putAll(settings.serviceEnv());
        parts.launch(name, List.of(java, "-Xmx" + settings.maxHeap(service), "-jar",
                runtime(extracted(service)).toString()), env,
                process -> process.awaitHttp(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"),
                        status -> status == 200, SERVICE_START));
    }

    /**
     * The demonstration municipal app: a recipient of released documents, with no database of its own. Its citizens
     * log in through Keycloak and it calls the vault with its own client-credentials token.
     */
    private void startMairieDemo() throws IOException, InterruptedException {
        progress.accept("mairie-demo…");
        var ports = settings.ports();
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(ports.mairieDemo()));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(ports.mairieDemoManagement()));
        env.put("CIVIS_MAIRIE_URL", settings.mairieDemoUrl());
        env.put("CIVIS_MAIRIE_ISSUER", settings.issuer());
        env.put("CIVIS_MAIRIE_CLIENT_SECRET", secrets.get(Secrets.MAIRIE_DEMO_SECRET));
        env.put("CIVIS_MAIRIE_VAULT_URL", "http://127.0.0.1:" + ports.vault());
        env.put("CIVIS_MAIRIE_PORTAL_URL", settings.portalUrl());
        parts.launch("mairie-demo", List.of(java, "-Xmx" + settings.maxHeap("mairie-demo"), "-jar",
                runtime(extracted("mairie-demo")).toString()), env,
                app -> app.awaitHttp(
                        URI.create("http://127.0.0.1:" + ports.mairieDemoManagement() + "/actuator/health/readiness"),
                        status -> status == 200, SERVICE_START));
    }

    /** A service's jar in Spring Boot's extracted layout, which the build makes (launcher/pom.xml, ADR 0029). */
    private static String extracted(String service) {
        return "services/" + service + "/" + service + ".jar";
    }

    private Path runtime(String relative) {
        Path path = settings.runtimeDir().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " est introuvable : lancez d'abord la construction (./civis up la fait).");
        }
        return path;
    }

    /** Removes a folder and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Stops every part still running in reverse order of start; keeps going when one of them fails to stop. */
    @Override
    public void close() {
        parts.close();
    }
}
