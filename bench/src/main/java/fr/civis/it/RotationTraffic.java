package fr.civis.it;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import fr.civis.bench.ProcessCpu;
import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;
import fr.civis.launcher.Secrets;
import fr.civis.vault.crypto.KeyStoreKeyProvider;
import fr.civis.vault.crypto.Keyring;
import tools.jackson.databind.JsonNode;

/**
 * Uploads per second while the vault rotates its master key, against without, in the same run (issue 12: target
 * ≥ 0.8×). Starts the real platform (fresh data in {@code bench/target/rotation-traffic-data}, ClamAV scanning as the
 * launcher sets it), adds {@code bench.keys} citizen keys sealed under the platform's current master key straight into
 * the vault's database (so that a rotation lasts long enough to measure), then keeps {@code bench.clients} citizens
 * uploading {@code bench.size}-byte documents without pause for the whole run, and alternates measured windows:
 *
 * <ul>
 *   <li>without: {@code bench.seconds} seconds of uploads;</li>
 *   <li>during: an administrator at eidas2 starts a rotation to a new PKCS#12 key through the vault's own
 *       {@code POST /api/v1/admin/master-keys/rotation}; the window lasts until the vault reports it done.</li>
 * </ul>
 *
 * Per window: uploads per second, refused uploads, and the CPU of each process per upload. At the end every citizen
 * key names the last master key and each citizen's latest document opens to its SHA-256.
 *
 * <p>In package {@code fr.civis.it}: it logs the administrator in with the integration tests' own helpers (an
 * authenticator app, a step-up to eidas2), compiled here from their sources (see the pom).
 */
public final class RotationTraffic {

    private static final String ROTATION = "/api/v1/admin/master-keys/rotation";
    private static final String KEYS = "/api/v1/admin/master-keys";

    private final Platform platform;
    private final Citizens citizens;
    private final ProcessCpu cpu;
    private final int size;
    private final List<String> usernames = new ArrayList<>();
    /** When each acknowledged upload ended (nanoTime), and the refusals. */
    private final ConcurrentLinkedQueue<Long> uploaded = new ConcurrentLinkedQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    /** Each citizen's latest document and its SHA-256, checked at the end. */
    private final Map<String, String[]> latest = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    record Window(String name, int round, double seconds, int uploads, int refusals, double[] cpuSeconds,
            long rotatedKeys) {
        double perSecond() {
            return uploads / seconds;
        }
    }

    private RotationTraffic(Platform platform, int size) throws Exception {
        this.platform = platform;
        this.citizens = new Citizens(platform);
        this.size = size;
        this.cpu = ProcessCpu.ofPlatform(platform,
                List.of("vault-service", "keycloak", "s3proxy", "clamd", "consent-service"));
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.work", "bench/target/rotation-traffic-data")).toAbsolutePath();
        Path runtime = Path.of(System.getProperty("civis.runtime", "launcher/target/runtime")).toAbsolutePath();
        int keys = Integer.getInteger("bench.keys", 100_000);
        int clients = Integer.getInteger("bench.clients", 8);
        int size = Integer.getInteger("bench.size", 200 * 1024);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int seconds = Integer.getInteger("bench.seconds", 30);

        Platform.deleteRecursively(work.resolve("data"));
        var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                PlatformSettings.Ports.free(), Map.of("CIVIS_DOCUMENTS_QUOTA", "100GB",
                        "CIVIS_DOCUMENTS_MAX_DOCUMENTS", "1000000",
                        // The vault's pace (civis.keys.rotation.max-rate); a high value shows an unpaced rotation.
                        "CIVIS_KEYS_ROTATION_MAX_RATE", System.getProperty("bench.maxRate", "1000")));
        try (Platform platform = Platform.start(settings, step -> System.out.println("[platform] " + step))) {
            new RotationTraffic(platform, size).run(keys, clients, rounds, seconds);
        }
    }

    private void run(int keys, int clients, int rounds, int seconds) throws Exception {
        String portal = platform.settings().portalUrl();
        for (int i = 0; i < clients; i++) {
            usernames.add(citizens.create("rotation.traffic" + i));
        }
        String adminName = "rotation.traffic.admin";
        HttpLogin admin = citizens.staff(adminName, "admin");
        admin.accessToken(null); // the first login enrols the authenticator app

        String current = currentKey(new VaultApi(portal, admin.accessToken("eidas2")));
        fill(keys, current);

        List<Thread> traffic = new ArrayList<>();
        for (String username : usernames) {
            traffic.add(Thread.ofVirtual().start(() -> uploadUntilStopped(portal, username)));
        }
        System.out.println("Warm-up: 30 s of uploads, then a rotation…");
        Thread.sleep(30_000);
        List<Window> windows = new ArrayList<>();
        Window warmUp = during(portal, admin, 0);
        System.out.printf(Locale.ROOT, "warm-up rotation: %d keys in %.1f s%n", warmUp.rotatedKeys(), warmUp.seconds());
        for (int round = 1; round <= rounds; round++) {
            // Alternate the order, so that neither window always follows a rotation's dead rows.
            if (round % 2 == 1) {
                windows.add(without(round, seconds));
                windows.add(during(portal, admin, round));
            } else {
                windows.add(during(portal, admin, round));
                windows.add(without(round, seconds));
            }
        }
        running.set(false);
        for (Thread thread : traffic) {
            thread.join();
        }
        String last = currentKey(new VaultApi(portal, admin.accessToken("eidas2")));
        report(windows, keys, clients, last, check(portal, last));
    }

    /** Adds {@code keys} citizen keys sealed under the vault's current master key, as first uploads would. */
    private void fill(int keys, String masterKeyId) throws Exception {
        Path keyStore = platform.settings().dataDir().resolve("keys/vault-master.p12");
        Keyring keyring = Keyring.create(KeyStoreKeyProvider.openOrCreate(keyStore,
                platform.secrets().get(Secrets.VAULT_KEYSTORE_PASSPHRASE).toCharArray(), masterKeyId));
        long started = System.nanoTime();
        try (Connection connection = vaultDatabase()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (?, ?, ?)")) {
                for (int i = 0; i < keys; i++) {
                    String owner = UUID.randomUUID().toString();
                    insert.setString(1, owner);
                    insert.setBytes(2, keyring.newCitizenKey(owner));
                    insert.setString(3, masterKeyId);
                    insert.addBatch();
                    if (i % 1000 == 999) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                statement.execute("VACUUM ANALYZE citizen_key");
            }
        }
        System.out.printf(Locale.ROOT, "%d citizen keys added under %s in %.1f s%n", keys, masterKeyId,
                (System.nanoTime() - started) / 1e9);
    }

    private void uploadUntilStopped(String portal, String username) {
        int n = 0;
        String token = null;
        long tokenAt = 0;
        while (running.get()) {
            try {
                // Tokens live a few minutes; a run lasts longer.
                if (token == null || System.nanoTime() - tokenAt > 60_000_000_000L) {
                    token = citizens.token(username);
                    tokenAt = System.nanoTime();
                }
                byte[] pdf = VaultApi.pdf(size + (n++ % 4096));
                HttpResponse<String> response = new VaultApi(portal, token).upload(pdf, "piece-" + n + ".pdf");
                if (response.statusCode() == 201) {
                    uploaded.add(System.nanoTime());
                    latest.put(username, new String[] {VaultApi.json(response).get("id").asString(), sha256(pdf)});
                } else {
                    refused.incrementAndGet();
                    refusals.add(response.statusCode() + " " + response.body());
                }
            } catch (Exception e) {
                refused.incrementAndGet();
                refusals.add(e.toString());
            }
        }
    }

    private Window without(int round, int seconds) throws Exception {
        double[] cpuBefore = cpu.seconds();
        int refusedBefore = refused.get();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return window("without", round, start, System.nanoTime(), cpuBefore, refusedBefore, 0);
    }

    private Window during(String portal, HttpLogin admin, int round) throws Exception {
        VaultApi api = new VaultApi(portal, admin.accessToken("eidas2"));
        String target = "civis-master-bench-" + Long.toHexString(System.nanoTime());
        double[] cpuBefore = cpu.seconds();
        int refusedBefore = refused.get();
        long start = System.nanoTime();
        HttpResponse<String> started = api.postJson(ROTATION,
                "{\"keyId\":\"" + target + "\",\"store\":\"pkcs12\",\"generate\":true}");
        if (started.statusCode() != 202) {
            throw new IllegalStateException("rotation refused: " + started.statusCode() + " " + started.body());
        }
        JsonNode rotation;
        do {
            // As an administrator's screen would: the endpoint counts the citizen keys under each master key, and
            // asking ten times a second cost PostgreSQL more than the rotation itself.
            Thread.sleep(2000);
            rotation = VaultApi.json(api.get(KEYS)).get("rotation");
        } while (!"done".equals(rotation.get("state").asString()));
        long end = System.nanoTime();
        if (rotation.get("leftOver").asLong() != 0 || !target.equals(rotation.get("targetKey").asString())) {
            throw new IllegalStateException("rotation ended with rows left over: " + rotation);
        }
        return window("during", round, start, end, cpuBefore, refusedBefore, rotation.get("done").asLong());
    }

    private Window window(String name, int round, long start, long end, double[] cpuBefore, int refusedBefore,
            long rotatedKeys) {
        double[] cpuAfter = cpu.seconds();
        double[] used = new double[cpuAfter.length];
        for (int i = 0; i < used.length; i++) {
            used[i] = cpuAfter[i] - cpuBefore[i];
        }
        int uploads = (int) uploaded.stream().filter(at -> at >= start && at < end).count();
        Window window = new Window(name, round, (end - start) / 1e9, uploads, refused.get() - refusedBefore, used,
                rotatedKeys);
        System.out.printf(Locale.ROOT, "round %d %s: %d uploads in %.1f s = %.2f/s, %d refused%s%n", round, name,
                uploads, window.seconds(), window.perSecond(), window.refusals(),
                rotatedKeys == 0 ? "" : String.format(Locale.ROOT, ", %d keys rewrapped (%.0f/s)", rotatedKeys,
                        rotatedKeys / window.seconds()));
        return window;
    }

    /** Every citizen key under {@code masterKeyId}, and each citizen's latest document opening to its SHA-256. */
    private String check(String portal, String masterKeyId) throws Exception {
        long elsewhere;
        try (Connection connection = vaultDatabase(); PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FROM citizen_key WHERE master_key_id <> ?")) {
            count.setString(1, masterKeyId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                elsewhere = row.getLong(1);
            }
        }
        int opened = 0;
        for (String username : usernames) {
            String[] document = latest.get(username);
            HttpResponse<byte[]> content = new VaultApi(portal, citizens.token(username)).download(document[0]);
            if (content.statusCode() == 200 && sha256(content.body()).equals(document[1])) {
                opened++;
            }
        }
        return String.format(Locale.ROOT, "%d citizen keys under another master key than %s; %d of %d latest "
                + "documents open to their SHA-256", elsewhere, masterKeyId, opened, usernames.size());
    }

    private void report(List<Window> windows, int keys, int clients, String lastKey, String check) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "%d clients uploading %d-byte documents, %d added citizen keys (+%d citizens), "
                        + "%d CPUs, load average at the end %s%n", clients, size, keys, clients + 1,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        StringBuilder header = new StringBuilder("| round | window | seconds | uploads/s | refused | keys rewrapped/s |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|---|");
        for (String name : cpu.names()) {
            header.append(" ").append(name).append(" CPU ms/upload |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        Map<String, double[]> totals = new HashMap<>(); // window → uploads, seconds
        for (Window window : windows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %.1f | %.2f | %d | %s |",
                    window.round(), window.name(), window.seconds(), window.perSecond(), window.refusals(),
                    window.rotatedKeys() == 0 ? "" : String.format(Locale.ROOT, "%.0f",
                            window.rotatedKeys() / window.seconds())));
            for (double seconds : window.cpuSeconds()) {
                line.append(String.format(Locale.ROOT, " %.1f |", 1000 * seconds / Math.max(1, window.uploads())));
            }
            System.out.println(line);
            double[] total = totals.computeIfAbsent(window.name(), name -> new double[2]);
            total[0] += window.uploads();
            total[1] += window.seconds();
        }
        System.out.println();
        for (int round = 1; round <= windows.size() / 2; round++) {
            int r = round;
            double with = windows.stream().filter(w -> w.round() == r && w.name().equals("during")).findFirst()
                    .orElseThrow().perSecond();
            double without = windows.stream().filter(w -> w.round() == r && w.name().equals("without")).findFirst()
                    .orElseThrow().perSecond();
            System.out.printf(Locale.ROOT, "round %d: during / without = %.2f%n", round, with / without);
        }
        double during = totals.get("during")[0] / totals.get("during")[1];
        double without = totals.get("without")[0] / totals.get("without")[1];
        System.out.printf(Locale.ROOT, "all rounds: %.2f uploads/s during, %.2f without: ratio %.2f (target ≥ 0.80)%n",
                during, without, during / without);
        System.out.println("Refused uploads over the whole run: " + refused.get()
                + (refusals.isEmpty() ? "" : " (first: " + refusals.peek() + ")"));
        System.out.println("Check: " + check);
    }

    private Connection vaultDatabase() throws Exception {
        // The embedded cluster trusts local connections (as BackupTimes connects).
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/vault", "postgres", "");
    }

    private static String currentKey(VaultApi admin) throws Exception {
        for (JsonNode key : VaultApi.json(admin.get(KEYS)).get("keys")) {
            if (key.get("state").asString().equals("current")) {
                return key.get("id").asString();
            }
        }
        throw new IllegalStateException("no current master key");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
