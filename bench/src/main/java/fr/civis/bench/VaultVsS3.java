package fr.civis.bench;

import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;
import fr.civis.launcher.Secrets;
import io.minio.Checksum;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The vault's uploads and downloads against raw S3, in the same run, on the same s3proxy: starts the real platform
 * (fresh data in {@code bench/target/bench-data}, free ports), creates a citizen and gets their token from Keycloak
 * as the integration tests do, then for each document size and number of concurrent streams times
 *
 * <ul>
 *   <li>vault: multipart {@code POST /api/v1/documents}, then {@code GET /api/v1/documents/{id}/content};</li>
 *   <li>bare relay: the same bytes through {@link BareRelay}, an HTTP hop that does nothing but pass them to and
 *       from S3 (what the extra hop alone costs);</li>
 *   <li>raw S3: {@code putObject} of the same bytes with a known size, then {@code getObject}, with the MinIO SDK,
 *       the client library, signing mode and checksum the vault itself uses.</li>
 * </ul>
 *
 * HTTP calls to the vault and the relay go through OkHttp, the library inside the MinIO SDK. Besides wall-clock
 * throughput, it reports the CPU each process spent per MB ({@link ProcessCpu}). Vault, relay and raw rounds
 * alternate, so that a noisy neighbour slows them alike; the median round is reported.
 * Everything created is deleted as it goes. System properties: {@code bench.sizes} (bytes, comma-separated),
 * {@code bench.streams}, {@code bench.citizens} (the concurrent streams of a round act as that many citizens in turn,
 * each with their own token and safe: 1 by default), {@code bench.scan=false} (vault without ClamAV), {@code bench.rounds.scale} (multiplies
 * the rounds), {@code bench.piped=true} (adds raw S3 uploads of unknown size through a pipe, as the vault makes
 * them), {@code bench.jfr=true} (after each size, a phase of vault uploads only then one of downloads only, one
 * stream, each under JFR until the vault has spent {@code bench.jfr.cpu} CPU seconds (20): where each millisecond of
 * the vault's CPU per request goes, see {@link VaultProfile}), {@code bench.steady=true} (then each kind of request
 * alone in steady traffic, {@code bench.steady.requests} of each: see {@code steadyCosts}),
 * {@code bench.work}, {@code civis.runtime}.
 */
public final class VaultVsS3 {

    private static final String BUCKET = "civis-vault";
    /** As ObjectStore sets it: the same client, signing mode and checksum on both sides. */
    private static final Checksum.Algorithm CHECKSUM = Checksum.Algorithm.CRC32;
    /** ObjectStore's default part size (civis.storage.part-size). */
    private static final long PART_SIZE = 8L * 1024 * 1024;
    private static final String CLIENT = "bench-services";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** Keycloak's admin and token endpoints only. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final KeycloakHttp keycloak;
    /**
     * The vault's API through OkHttp, the HTTP library inside the MinIO SDK: both sides of the comparison then pay
     * the same client costs (the JDK's HttpClient reads a response body markedly slower).
     */
    private final OkHttpClient okhttp = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(2))
            .writeTimeout(Duration.ofMinutes(2)).build();
    private final Platform platform;
    private final MinioClient s3;
    private final String vaultUrl;
    /** Room for 16 streams and, with bench.piped, their pipe writers. */
    private final ExecutorService pool = Executors.newFixedThreadPool(32);
    private final ProcessCpu cpu;
    private final BareRelay relay;
    private final Path work;
    private final List<String> citizens = new ArrayList<>();
    /** Per citizen: their access token and when it was issued (nanoTime). */
    private final Map<String, Map.Entry<String, Long>> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    private VaultVsS3(Platform platform, Path work) throws IOException {
        this.platform = platform;
        this.work = work;
        this.vaultUrl = platform.settings().portalUrl();
        this.keycloak = new KeycloakHttp(http, platform);
        // As ObjectStore builds it: endpoint, credentials, region.
        this.s3 = MinioClient.builder().endpoint(platform.settings().s3Url())
                .credentials(platform.secrets().get(Secrets.S3_ACCESS_KEY), platform.secrets().get(Secrets.S3_SECRET_KEY))
                .region("us-east-1").build();
        this.cpu = ProcessCpu.ofPlatform(platform, List.of("vault-service", "s3proxy", "clamd"));
        this.relay = new BareRelay(s3, BUCKET, CHECKSUM, PART_SIZE);
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.work", "bench/target/bench-data")).toAbsolutePath();
        Path runtime = Path.of(System.getProperty("civis.runtime", "launcher/target/runtime")).toAbsolutePath();
        boolean scan = !"false".equals(System.getProperty("bench.scan"));
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.sizes", "204800,5242880,104857600").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        List<Integer> streams = Arrays.stream(System.getProperty("bench.streams", "1,4").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        double scale = Double.parseDouble(System.getProperty("bench.rounds.scale", "1"));

        Platform.deleteRecursively(work.resolve("data"));
        Map<String, String> env = new HashMap<>(Map.of(
                "CIVIS_DOCUMENTS_MAX_DOCUMENT_SIZE", "200MB",
                "CIVIS_DOCUMENTS_QUOTA", "100GB",
                "CIVIS_DOCUMENTS_MAX_DOCUMENTS", "100000")); // bench.jfr's upload phases keep a thousand or more
        if (!scan) {
            env.put("CIVIS_SCANNING_CLAMD_PORT", ""); // the vault then does not scan
        }
        var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                PlatformSettings.Ports.free(), env);
        long started = System.nanoTime();
        try (Platform platform = Platform.start(settings, step -> System.out.println("[platform] " + step))) {
            System.out.printf("Platform up in %.0f s (ClamAV scanning %s)%n", (System.nanoTime() - started) / 1e9,
                    scan ? "as the launcher set it" : "OFF");
            VaultVsS3 bench = new VaultVsS3(platform, work);
            bench.run(sizes, streams, Integer.getInteger("bench.citizens", 1), scale,
                    Boolean.getBoolean("bench.piped"), Boolean.getBoolean("bench.jfr"));
            if (Boolean.getBoolean("bench.steady")) {
                bench.steadyCosts(streams.getLast(), Integer.getInteger("bench.steady.requests", 4000));
            }
            bench.close();
        }
    }

    private void run(List<Integer> sizes, List<Integer> streams, int citizenCount, double scale, boolean piped,
            boolean jfr) throws Exception {
        keycloak.createCitizen(CLIENT);
        citizens.add(KeycloakHttp.CITIZEN);
        for (int i = 2; i <= citizenCount; i++) {
            citizens.add(KeycloakHttp.CITIZEN + "-" + i);
            keycloak.createOtherCitizen(citizens.getLast());
        }
        System.out.println("Warm-up…");
        // Both download paths: verified in memory first (≤ 4 MB), and streamed.
        for (int i = 0; i < 24; i++) {
            byte[] warm = pdf((i % 2 == 0 ? 1 : 6) * 1024 * 1024 + i);
            round(1, stream -> oneVault(warm, prepareMultipart(warm), stream));
            round(1, stream -> oneRaw(warm));
        }
        List<String> rows = new ArrayList<>();
        rows.add("| size | streams | rounds | vault up MB/s | relay up MB/s | raw PUT MB/s | up vault/raw | up relay/raw"
                + " | vault down MB/s | relay down MB/s | raw GET MB/s | down vault/raw | down relay/raw |"
                + (piped ? " raw piped PUT MB/s |" : ""));
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (piped ? "---|" : ""));
        List<String> rateRows = new ArrayList<>(List.of(
                "| size | streams | citizens | vault up /s | relay up /s | up vault/relay | vault down /s | relay down /s"
                        + " | down vault/relay |", "|---|---|---|---|---|---|---|---|---|"));
        List<String> cpuRows = new ArrayList<>();
        cpuRows.add("| size | streams | path | " + String.join(" | ", cpu.names()) + " | total | raw/path |");
        cpuRows.add("|---|---|---|" + "---|".repeat(cpu.names().size()) + "---|---|");
        List<String> cpuPerDocumentRows = new ArrayList<>(cpuRows);
        for (int size : sizes) {
            byte[] content = pdf(size);
            Multipart body = prepareMultipart(content);
            for (int n : streams) {
                int rounds = Math.max(3, (int) Math.round(scale * rounds(size, n)));
                double[] vaultUp = new double[rounds], vaultDown = new double[rounds];
                double[] rawUp = new double[rounds], rawDown = new double[rounds], pipedUp = new double[rounds];
                double[] relayUp = new double[rounds], relayDown = new double[rounds];
                CpuTotals vaultCpu = new CpuTotals(), rawCpu = new CpuTotals(), relayCpu = new CpuTotals();
                // One untimed round of each first, for this size.
                round(n, stream -> oneVault(content, body, stream));
                round(n, stream -> oneRelay(content));
                round(n, stream -> oneRaw(content));
                for (int r = 0; r < rounds; r++) {
                    Round v = round(n, stream -> oneVault(content, body, stream));
                    Round b = round(n, stream -> oneRelay(content));
                    Round w = round(n, stream -> oneRaw(content));
                    vaultCpu.add(v);
                    relayCpu.add(b);
                    rawCpu.add(w);
                    vaultUp[r] = mbps(size, n, v.upSeconds());
                    vaultDown[r] = mbps(size, n, v.downSeconds());
                    relayUp[r] = mbps(size, n, b.upSeconds());
                    relayDown[r] = mbps(size, n, b.downSeconds());
                    rawUp[r] = mbps(size, n, w.upSeconds());
                    rawDown[r] = mbps(size, n, w.downSeconds());
                    if (piped) {
                        pipedUp[r] = mbps(size, n, round(n, stream -> oneRawPiped(content)).upSeconds());
                    }
                }
                double vu = median(vaultUp), bu = median(relayUp), ru = median(rawUp);
                double vd = median(vaultDown), bd = median(relayDown), rd = median(rawDown);
                String row = String.format("| %s | %d | %d | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f"
                        + " | %.2f |", human(size), n, rounds, vu, bu, ru, vu / ru, bu / ru, vd, bd, rd, vd / rd, bd / rd)
                        + (piped ? String.format(" %.1f |", median(pipedUp)) : "");
                System.out.println(row + "   vault up " + fmt(vaultUp) + " relay up " + fmt(relayUp) + " raw up "
                        + fmt(rawUp) + " vault down " + fmt(vaultDown) + " relay down " + fmt(relayDown)
                        + " raw down " + fmt(rawDown));
                rows.add(row);
                double perSecond = 1e6 / size; // documents per second for each MB/s
                rateRows.add(String.format("| %s | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |", human(size), n,
                        Math.min(n, citizens.size()), vu * perSecond, bu * perSecond, vu / bu, vd * perSecond,
                        bd * perSecond, vd / bd));
                double megabytes = (double) size * n * rounds / 1e6;
                for (var table : List.of(Map.entry(cpuRows, megabytes), Map.entry(cpuPerDocumentRows, (double) n * rounds))) {
                    table.getKey().addAll(List.of(
                            cpuRow(size, n, "vault up", vaultCpu.up, table.getValue(), rawCpu.up),
                            cpuRow(size, n, "relay up", relayCpu.up, table.getValue(), rawCpu.up),
                            cpuRow(size, n, "raw PUT", rawCpu.up, table.getValue(), null),
                            cpuRow(size, n, "vault down", vaultCpu.down, table.getValue(), rawCpu.down),
                            cpuRow(size, n, "relay down", relayCpu.down, table.getValue(), rawCpu.down),
                            cpuRow(size, n, "raw GET", rawCpu.down, table.getValue(), null)));
                }
            }
            if (jfr) {
                profile(size, content, body, Double.parseDouble(System.getProperty("bench.jfr.cpu", "20")));
            }
        }
        System.out.println();
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("Documents per second (medians of the rounds above):");
        rateRows.forEach(System.out::println);
        System.out.println();
        System.out.println("CPU milliseconds per MB moved, by process (utime + stime from /proc, children included;"
                + " the relay runs inside the client's JVM); raw/path = total CPU of the raw path / total CPU of the path:");
        cpuRows.forEach(System.out::println);
        System.out.println();
        System.out.println("The same CPU in milliseconds per document:");
        cpuPerDocumentRows.forEach(System.out::println);
    }

    private void close() {
        pool.shutdownNow();
        relay.close();
    }

    /**
     * What each kind of request costs in steady traffic of that kind alone, once the JIT has had every round and a
     * whole unmeasured pass (the rounds' figures fall the more rounds run before them: the compiler's threads are
     * part of the vault's CPU, and C2 is still at work after thousands of requests on two shared cores). Here
     * {@code streams} clients (as many citizens as {@code bench.citizens}) send one kind only, {@code requests} of it
     * (a tenth of that for 5 MiB), the kinds taking turns in five passes so that a noisy neighbour weighs on all
     * alike; what uploads store is deleted between windows, unmeasured. Kinds:
     * <ol>
     *   <li>{@code GET /portal/config}: a constant JSON answer, no token: Tomcat, the security filter chain,
     *       Spring MVC and Jackson, the floor of any request;</li>
     *   <li>{@code GET /api/v1/documents/{id}}: a document's description: adds the token, the database read with
     *       the ownership check and the decryption of its title;</li>
     *   <li>{@code GET …/content} of a 1 KiB document: adds the keys, the S3 GET, the decryption and digest of a few
     *       bytes, the fixed part of a download;</li>
     *   <li>downloads and uploads of 200 KiB and 5 MiB, through the vault and through the bare relay.</li>
     * </ol>
     * Also the vault's CPU while nothing is sent (its scheduled jobs), per second.
     */
    private void steadyCosts(int streams, int requests) throws Exception {
        Map<Integer, List<Transfer>> vaultDocuments = new LinkedHashMap<>();
        Map<Integer, List<Transfer>> relayObjects = new LinkedHashMap<>();
        Map<Integer, byte[]> contents = new LinkedHashMap<>();
        Map<Integer, Multipart> bodies = new LinkedHashMap<>();
        for (int size : List.of(1024, 200 * 1024, 5 * 1024 * 1024)) {
            contents.put(size, pdf(size));
            bodies.put(size, prepareMultipart(contents.get(size)));
            List<Transfer> stored = new ArrayList<>(), relayed = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                stored.add(oneVault(contents.get(size), bodies.get(size), i));
                relayed.add(oneRelay(contents.get(size)));
            }
            vaultDocuments.put(size, stored);
            relayObjects.put(size, relayed);
        }
        List<SteadyKind> kinds = new ArrayList<>(List.of(
                new SteadyKind("GET /portal/config (no token)", 1, stream -> {
                    get(new Request.Builder().url(vaultUrl + "/portal/config").get().build());
                    return null;
                }),
                new SteadyKind("GET /api/v1/documents/{id} (description)", 1, stream -> {
                    vaultDocuments.get(1024).get(stream).describe();
                    return null;
                }),
                new SteadyKind("vault GET content, 1 KiB", 1, stream -> {
                    vaultDocuments.get(1024).get(stream).download();
                    return null;
                })));
        for (int size : List.of(200 * 1024, 5 * 1024 * 1024)) {
            int share = size > 1024 * 1024 ? 10 : 1;
            kinds.add(new SteadyKind("vault GET content, " + human(size), share, stream -> {
                vaultDocuments.get(size).get(stream).download();
                return null;
            }));
            kinds.add(new SteadyKind("relay GET, " + human(size), share, stream -> {
                relayObjects.get(size).get(stream).download();
                return null;
            }));
            kinds.add(new SteadyKind("vault POST document, " + human(size), share,
                    stream -> oneVault(contents.get(size), bodies.get(size), stream)));
            kinds.add(new SteadyKind("relay PUT, " + human(size), share, stream -> oneRelay(contents.get(size))));
        }
        int passes = 5;
        Map<SteadyKind, double[]> spent = new LinkedHashMap<>();
        Map<SteadyKind, Double> seconds = new LinkedHashMap<>();
        Map<SteadyKind, Integer> counts = new LinkedHashMap<>();
        for (int pass = -1; pass < passes; pass++) { // pass −1 warms up, unmeasured
            for (SteadyKind kind : kinds) {
                int perStream = Math.max(1, requests / kind.share() / passes / streams);
                List<Transfer> made = java.util.Collections.synchronizedList(new ArrayList<>());
                double[] c0 = cpu.seconds();
                long t0 = System.nanoTime();
                List<Future<?>> clients = new ArrayList<>();
                for (int s = 0; s < streams; s++) {
                    int stream = s;
                    clients.add(pool.submit(() -> {
                        for (int i = 0; i < perStream; i++) {
                            Transfer stored = kind.request().transfer(stream);
                            if (stored != null) {
                                made.add(stored);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get();
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double[] used = minus(cpu.seconds(), c0);
                if (pass >= 0) {
                    addInto(spent.computeIfAbsent(kind, k -> new double[used.length]), used);
                    seconds.merge(kind, elapsed, Double::sum);
                    counts.merge(kind, perStream * streams, Integer::sum);
                }
                for (Transfer transfer : made) {
                    transfer.delete();
                }
            }
        }
        int idleSeconds = 10;
        double[] idle0 = cpu.seconds();
        Thread.sleep(idleSeconds * 1000L);
        double[] idle = minus(cpu.seconds(), idle0);
        System.out.println();
        System.out.printf("Steady traffic, one kind of request at a time: CPU milliseconds per request by process,"
                + " %d concurrent clients (%d citizens), five passes (the relay runs inside the client's JVM):%n",
                streams, Math.min(streams, citizens.size()));
        System.out.println("| request | requests | " + String.join(" | ", cpu.names()) + " | total | requests /s |");
        System.out.println("|---|---|" + "---|".repeat(cpu.names().size()) + "---|---|");
        for (SteadyKind kind : kinds) {
            int count = counts.get(kind);
            System.out.printf("| %s | %d |%s %.1f |%n", kind.name(), count, cpuCells(spent.get(kind), count),
                    count / seconds.get(kind));
        }
        System.out.println("| nothing sent, per second | |" + cpuCells(idle, idleSeconds) + " |");
        for (var stored : List.of(vaultDocuments, relayObjects)) {
            for (Transfer transfer : stored.values().stream().flatMap(List::stream).toList()) {
                transfer.delete();
            }
        }
    }

    /** A kind of request of {@link #steadyCosts}; {@code share}: sent that many times less often. */
    private record SteadyKind(String name, int share, Start request) {
    }

    /** A GET whose answer must be 200; its body is read and dropped. */
    private void get(Request request) throws IOException {
        downloadCounting(request, request.url().encodedPath());
    }

    /**
     * After {@code bench.jfr.warmup} unrecorded round trips (100), uploads only, one at a time, under JFR until the vault has spent {@code cpuSeconds}; then downloads only of
     * what was stored (round robin), likewise; then deletes it all, unrecorded. Prints each phase's breakdown.
     */
    private void profile(int size, byte[] content, Multipart body, double cpuSeconds) throws Exception {
        int vault = cpu.names().indexOf("vault-service");
        ProcessHandle process = ProcessHandle.of(platform.pid("vault-service")).orElseThrow();
        String label = human(size).replace(" ", "");
        for (int i = Integer.getInteger("bench.jfr.warmup", 100); i > 0; i--) { // unrecorded, JIT warm-up
            Transfer warm = oneVault(content, body, 0);
            warm.download();
            warm.delete();
        }
        List<Transfer> stored = new ArrayList<>();
        VaultProfile up = new VaultProfile(process, work.resolve("vault-" + label + "-up.jfr"));
        up.start();
        double start = cpu.seconds()[vault];
        while (stored.size() < 20 || cpu.seconds()[vault] - start < cpuSeconds) {
            stored.add(oneVault(content, body, 0));
        }
        up.stopAndReport(human(size) + " uploads", stored.size());
        VaultProfile down = new VaultProfile(process, work.resolve("vault-" + label + "-down.jfr"));
        down.start();
        start = cpu.seconds()[vault];
        int downloads = 0;
        while (downloads < 20 || cpu.seconds()[vault] - start < cpuSeconds) {
            Transfer transfer = stored.get(downloads++ % stored.size());
            if (transfer.download() != size) {
                throw new IllegalStateException("short download");
            }
        }
        down.stopAndReport(human(size) + " downloads", downloads);
        for (Transfer transfer : stored) {
            transfer.delete();
        }
    }

    /** CPU milliseconds per unit moved ({@code units}: MB, or documents), by process. */
    private String cpuRow(int size, int streams, String path, double[] seconds, double units, double[] baseline) {
        double total = Arrays.stream(seconds).sum();
        return String.format("| %s | %d | %s |", human(size), streams, path) + cpuCells(seconds, units)
                + (baseline == null ? " |" : String.format(" %.2f |", Arrays.stream(baseline).sum() / total));
    }

    /** One table cell per process, then the total: CPU milliseconds per unit. */
    private static String cpuCells(double[] seconds, double units) {
        StringBuilder cells = new StringBuilder();
        for (double s : seconds) {
            cells.append(String.format(" %.2f |", s * 1000 / units));
        }
        return cells.append(String.format(" %.2f |", Arrays.stream(seconds).sum() * 1000 / units)).toString();
    }

    /** Rounds per case: many for small documents, few for big ones, so each case takes seconds. */
    private static int rounds(int size, int streams) {
        if (size <= 1024 * 1024) {
            return 30;
        }
        if (size <= 16 * 1024 * 1024) {
            return 12;
        }
        return streams == 1 ? 5 : 4;
    }

    /** Wall-clock seconds and CPU seconds (per measured process) of one round's upload and download phases. */
    private record Round(double upSeconds, double downSeconds, double[] upCpu, double[] downCpu) {
    }

    /** CPU seconds summed over the timed rounds of one case, per process, for each phase. */
    private final class CpuTotals {
        final double[] up = new double[cpu.names().size()];
        final double[] down = new double[cpu.names().size()];

        void add(Round round) {
            addInto(up, round.upCpu());
            addInto(down, round.downCpu());
        }
    }

    /**
     * {@code n} concurrent uploads, then (once all are stored) {@code n} concurrent downloads: the wall-clock
     * and CPU seconds of each phase. The tasks delete what they made after the download.
     */
    private Round round(int n, Start start) throws Exception {
        double[] c0 = cpu.seconds();
        long t0 = System.nanoTime();
        List<Future<Transfer>> uploads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int stream = i;
            uploads.add(pool.submit(() -> start.transfer(stream)));
        }
        List<Transfer> transfers = new ArrayList<>();
        for (Future<Transfer> upload : uploads) {
            transfers.add(upload.get());
        }
        long t1 = System.nanoTime();
        double[] c1 = cpu.seconds();
        List<Future<Long>> downloads = new ArrayList<>();
        for (Transfer transfer : transfers) {
            downloads.add(pool.submit(transfer::download));
        }
        for (int i = 0; i < n; i++) {
            long read = downloads.get(i).get();
            if (read != transfers.get(i).size()) {
                throw new IllegalStateException("downloaded " + read + " bytes of " + transfers.get(i).size());
            }
        }
        long t2 = System.nanoTime();
        double[] c2 = cpu.seconds();
        for (Transfer transfer : transfers) {
            transfer.delete();
        }
        return new Round((t1 - t0) / 1e9, (t2 - t1) / 1e9, minus(c1, c0), minus(c2, c1));
    }

    private static void addInto(double[] total, double[] more) {
        for (int i = 0; i < total.length; i++) {
            total[i] += more[i];
        }
    }

    private static double[] minus(double[] after, double[] before) {
        double[] delta = new double[after.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = after[i] - before[i];
        }
        return delta;
    }

    /** Starts one transfer of a round's {@code stream} (0 to n − 1). */
    private interface Start {
        Transfer transfer(int stream) throws Exception;
    }

    private interface Transfer {
        long size();

        long download() throws Exception;

        /** The stored document's description (vault only). */
        default void describe() throws Exception {
            throw new UnsupportedOperationException();
        }

        void delete() throws Exception;
    }

    /** Stream {@code stream} uploads as citizen {@code stream} modulo the number of citizens. */
    private Transfer oneVault(byte[] content, Multipart body, int stream) throws Exception {
        String citizen = citizens.get(stream % citizens.size());
        String bearer = token(citizen);
        String documentId;
        try (Response response = okhttp.newCall(new Request.Builder().url(vaultUrl + "/api/v1/documents")
                .header("Authorization", "Bearer " + bearer)
                .post(RequestBody.create(body.bytes(),
                        MediaType.get("multipart/form-data; boundary=" + body.boundary())))
                .build()).execute()) {
            String answer = response.body().string();
            if (response.code() != 201 && response.code() != 200) {
                throw new IllegalStateException("vault upload answered " + response.code() + ": " + answer);
            }
            Matcher id = ID.matcher(answer);
            if (!id.find()) {
                throw new IllegalStateException("no id in " + answer);
            }
            documentId = id.group(1);
        }
        return new Transfer() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public long download() throws Exception {
                return downloadCounting(new Request.Builder()
                        .url(vaultUrl + "/api/v1/documents/" + documentId + "/content")
                        .header("Authorization", "Bearer " + token(citizen)).get().build(), "vault");
            }

            @Override
            public void describe() throws Exception {
                get(new Request.Builder().url(vaultUrl + "/api/v1/documents/" + documentId)
                        .header("Authorization", "Bearer " + token(citizen)).get().build());
            }

            @Override
            public void delete() throws Exception {
                try (Response deleted = okhttp.newCall(new Request.Builder()
                        .url(vaultUrl + "/api/v1/documents/" + documentId)
                        .header("Authorization", "Bearer " + token(citizen)).delete().build()).execute()) {
                    if (deleted.code() / 100 != 2) {
                        throw new IllegalStateException("vault delete answered " + deleted.code());
                    }
                }
            }
        };
    }

    /** The same bytes through {@link BareRelay}: PUT then GET over HTTP, stored by the relay with the MinIO SDK. */
    private Transfer oneRelay(byte[] content) throws Exception {
        String name = "bench-relay-" + UUID.randomUUID();
        try (Response stored = okhttp.newCall(new Request.Builder().url(relay.url(name))
                .put(RequestBody.create(content, MediaType.get("application/octet-stream"))).build()).execute()) {
            if (stored.code() != 201) {
                throw new IllegalStateException("relay upload answered " + stored.code());
            }
        }
        return new Transfer() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public long download() throws Exception {
                return downloadCounting(new Request.Builder().url(relay.url(name)).get().build(), "relay");
            }

            @Override
            public void delete() throws Exception {
                s3.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(name).build());
            }
        };
    }

    /** GETs a body over OkHttp and counts its bytes; any answer but 200 stops the benchmark. */
    private long downloadCounting(Request request, String what) throws IOException {
        try (Response got = okhttp.newCall(request).execute()) {
            if (got.code() != 200) {
                throw new IllegalStateException(what + " download answered " + got.code());
            }
            return drain(got.body().byteStream());
        }
    }

    private Transfer oneRaw(byte[] content) throws Exception {
        String name = "bench-" + UUID.randomUUID();
        s3.putObject(PutObjectArgs.builder().bucket(BUCKET).object(name)
                .stream(new ByteArrayInputStream(content), (long) content.length, -1L)
                .contentType("application/octet-stream").checksum(CHECKSUM).build());
        return new Transfer() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public long download() throws Exception {
                return drain(s3.getObject(GetObjectArgs.builder().bucket(BUCKET).object(name).build()));
            }

            @Override
            public void delete() throws Exception {
                s3.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(name).build());
            }
        };
    }

    /**
     * Raw S3 as {@code ObjectStore.put} stored a document until issue 13 (now {@code ObjectUpload}, known lengths
     * from a pooled buffer): unknown size, 5 MiB parts, read from a 256 KiB pipe that another thread fills, as the
     * sealing stream did; no crypto, no digest, no scan.
     */
    private Transfer oneRawPiped(byte[] content) throws Exception {
        java.io.PipedInputStream in = new java.io.PipedInputStream(256 * 1024);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
        Future<?> writer = pool.submit(() -> {
            try (out) {
                for (int offset = 0; offset < content.length; offset += 64 * 1024) {
                    out.write(content, offset, Math.min(64 * 1024, content.length - offset));
                }
            }
            return null;
        });
        String name = "bench-" + UUID.randomUUID();
        s3.putObject(PutObjectArgs.builder().bucket(BUCKET).object(name).stream(in, -1L, 5L * 1024 * 1024)
                .contentType("application/octet-stream").checksum(CHECKSUM).build());
        writer.get();
        return new Transfer() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public long download() {
                return content.length; // not measured
            }

            @Override
            public void delete() throws Exception {
                s3.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(name).build());
            }
        };
    }

    static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (in) {
            for (int read; (read = in.read(buffer)) != -1; ) {
                total += read;
            }
        }
        return total;
    }

    record Multipart(String boundary, byte[] bytes) {
    }

    /** The body a browser sends: type and title fields, then the file. Built once per size, sent many times. */
    static Multipart prepareMultipart(byte[] content) {
        String boundary = "civis-bench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 1024);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", "justificatif-domicile");
        fields.put("title", "Benchmark");
        for (var field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\""
                + "\r\nContent-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart(boundary, body.toByteArray());
    }

    /** A PDF as far as content sniffing goes: a PDF header, then random bytes. */
    static byte[] pdf(int size) {
        byte[] content = new byte[size];
        new SecureRandom().nextBytes(content);
        byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, content, 0, Math.min(header.length, size));
        return content;
    }

    /** The citizen's access token, renewed every minute (tokens live a few minutes; a run lasts longer). */
    private String token(String citizen) throws Exception {
        var current = tokens.get(citizen);
        if (current == null || System.nanoTime() - current.getValue() > 60_000_000_000L) {
            current = Map.entry(keycloak.token("civis", KeycloakHttp.citizenGrant(CLIENT, citizen)), System.nanoTime());
            tokens.put(citizen, current);
        }
        return current.getKey();
    }

    // --- Figures ----------------------------------------------------------------------------------------------

    /** MB/s (10^6 bytes per second) of {@code streams} transfers of {@code size} bytes in {@code seconds}. */
    private static double mbps(int size, int streams, double seconds) {
        return (double) size * streams / seconds / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String fmt(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format("%.0f", v)).collect(Collectors.joining(" ", "[", "]"));
    }

    private static String human(int bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }
}
