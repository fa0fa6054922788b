package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Faults on the real platform: the S3 server stopped during an upload, the vault killed during concurrent uploads,
 * a 1 GiB document through a vault with a 256 MB heap, Keycloak stopped, PostgreSQL stopped during uploads.
 *
 * <p>This class stops, kills and restarts parts, and needs settings the other classes must not see (short orphan
 * grace, 1100 MB documents, a small heap): it runs on a platform of its own, in {@code target/it-faults} on its own
 * free ports, started and closed here. The shared platform of {@link PlatformExtension} is never touched, so the
 * order of test classes does not matter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    private static final int MIB = 1024 * 1024;
    private static final long GIB = 1024L * MIB;
    private static final String VAULT = "vault-service";
    private static final String S3 = "s3proxy";
    private static final String CLAMD = "clamd";
    private static final String KEYCLOAK = "keycloak";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration KEYS_CACHE_TIME = Duration.ofSeconds(45);

    private Platform platform;
    private Citizens citizens;
    /** Where the browser of the Keycloak test would put downloads (none expected). */
    @TempDir
    Path downloads;

    @BeforeAll
    void start() throws Exception {
        platform = PlatformExtension.startPlatform("it-faults", Map.of(
                // Room for the 1 GiB document.
                "CIVIS_DOCUMENTS_MAX_DOCUMENT_SIZE", "1100MB",
                "CIVIS_DOCUMENTS_QUOTA", "4GB",
                // A sweeper that acts within seconds.
                "CIVIS_STORAGE_ORPHAN_GRACE", "5s",
                "CIVIS_STORAGE_SWEEP_INITIAL_DELAY", "PT1S",
                "CIVIS_STORAGE_SWEEP_INTERVAL", "PT2S",
                // Keys fetched again after 45 s (the shortest allowed) rather than 5 min: the Keycloak test waits past
                // that, not 5 min.
                "CIVIS_SECURITY_KEYS_CACHE_TIME", KEYS_CACHE_TIME.toSeconds() + "s"),
                Map.of(VAULT, "256m"));
        citizens = new Citizens(platform);
    }

    /** A test that failed half-way must not leave the next one without its S3 server or its vault. */
    @BeforeEach
    void everythingRuns() throws Exception {
        platform.startDatabase();
        for (String part : List.of(S3, CLAMD, KEYCLOAK, VAULT)) {
            if (!platform.isRunning(part)) {
                platform.restart(part);
            }
        }
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void theS3ServerStoppedDuringAnUploadGives503AndLeavesNoDocument() throws Exception {
        String token = token("fault.s3");
        CountDownLatch midway = new CountDownLatch(1);
        // 15 MB at 3 MB/s: the vault has sent a first part to S3 when the server goes.
        Generated content = new Generated(15_000_000, 1, 3_000_000, 7_000_000, midway::countDown);
        CompletableFuture<HttpResponse<String>> upload = upload(token, "releve.pdf", content);

        assertThat(midway.await(60, TimeUnit.SECONDS)).isTrue();
        platform.stop(S3);
        assertThat(platform.isRunning(S3)).isFalse();

        HttpResponse<String> response = upload.get(2, TimeUnit.MINUTES);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = VaultApi.json(response);
        assertThat(problem.get("code").asString()).isEqualTo("storage-unavailable");
        assertThat(problem.get("detail").asString()).isNotBlank();

        VaultApi api = new VaultApi(platform.settings().portalUrl(), token);
        assertThat(VaultApi.json(api.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
        assertEveryRowHasItsObject();

        platform.restart(S3);
        Generated again = new Generated(1_000_000, 2, 0, -1, null);
        HttpResponse<String> created = upload(token, "releve.pdf", again).get(1, TimeUnit.MINUTES);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(downloadSha256(token, VaultApi.json(created).get("id").asString())).isEqualTo(again.sha256());
        assertThat(VaultApi.json(api.get("/api/v1/documents")).get("totalItems").asLong()).isEqualTo(1);
        assertEveryRowHasItsObject();
    }

    @Test
    @Order(2)
    void withTheAntivirusDownUploadsAreRefusedNotWavedThrough() throws Exception {
        String token = token("fault.clamd");
        VaultApi api = new VaultApi(platform.settings().portalUrl(), token);
        platform.stop(CLAMD);

        HttpResponse<String> refused = api.upload(VaultApi.pdf(50_000), "attestation.pdf");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(VaultApi.json(refused).get("code").asString()).isEqualTo("scanner-unavailable");
        assertThat(VaultApi.json(api.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
        assertEveryRowHasItsObject();

        platform.restart(CLAMD);
        assertThat(api.upload(VaultApi.pdf(50_000), "attestation.pdf").statusCode()).isEqualTo(201);
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void theVaultKilledDuringTwentyUploadsLeavesNoHalfStoredDocumentAndTheSweeperRemovesOrphans() throws Exception {
        String token = token("fault.kill");
        int uploads = 20;
        Map<String, Generated> contents = new HashMap<>();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
        for (int i = 0; i < uploads; i++) {
            // 2 to 5 MB each, at 1 MB/s: the smallest are stored before the kill, the largest are still coming.
            Generated content = new Generated(2_000_000 + (i % 4) * 1_000_000, 100 + i, 1_000_000, -1, null);
            String filename = "piece-" + i + ".pdf";
            contents.put(filename, content);
            CompletableFuture<HttpResponse<String>> response = upload(token, filename, content);
            response.whenComplete((ok, failed) -> firstAnswer.complete(null));
            responses.add(response);
        }
        firstAnswer.get(2, TimeUnit.MINUTES);
        long pid = platform.pid(VAULT);
        platform.kill(VAULT);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        int created = 0;
        int cut = 0;
        Set<String> createdIds = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            try {
                HttpResponse<String> answer = response.get(2, TimeUnit.MINUTES);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                createdIds.add(VaultApi.json(answer).get("id").asString());
                created++;
            } catch (java.util.concurrent.ExecutionException connectionLost) {
                // What a client of a killed server sees: the connection ends without an answer.
                assertThat(connectionLost.getCause()).isInstanceOf(IOException.class);
                cut++;
            }
        }
        System.out.printf("[faults] vault killed with %d uploads answered 201 and %d cut%n", created, cut);
        assertThat(created).as("uploads stored before the kill").isPositive();
        assertThat(cut).as("uploads cut by the kill").isPositive();

        platform.restart(VAULT);

        // Every row has its object, and every listed document is whole.
        assertEveryRowHasItsObject();
        VaultApi api = new VaultApi(platform.settings().portalUrl(), citizens.token("fault.kill"));
        JsonNode listed = VaultApi.json(api.get("/api/v1/documents?size=100"));
        Set<String> listedIds = new HashSet<>();
        for (JsonNode document : listed.get("items")) {
            String id = document.get("id").asString();
            listedIds.add(id);
            Generated expected = contents.get(document.get("filename").asString());
            assertThat(expected).as(document.toString()).isNotNull();
            assertThat(document.get("size").asLong()).isEqualTo(expected.size);
            assertThat(downloadSha256(api, id)).as(document.toString()).isEqualTo(expected.sha256());
        }
        assertThat(listed.get("totalItems").asLong()).isEqualTo(listedIds.size());
        // What was acknowledged is kept; a row may also exist for an upload committed just before the kill.
        assertThat(listedIds).containsAll(createdIds);

        // Objects without rows may be there now; once the sweeper has run, the bucket holds exactly what rows name.
        Instant deadline = Instant.now().plusSeconds(60);
        while (!storedObjectNames().equals(rowObjectNames()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(storedObjectNames()).isEqualTo(rowObjectNames());
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(4)
    void aOneGibDocumentGoesInAndOutThroughAVaultWithA256MbHeap() throws Exception {
        String token = token("fault.huge");
        long pid = platform.pid(VAULT);
        HeapWatch heap = new HeapWatch(URI.create("http://127.0.0.1:"
                + platform.settings().ports().vaultManagement() + "/actuator/prometheus"));
        Thread watcher = Thread.ofPlatform().daemon().start(heap);
        try {
            Generated content = new Generated(GIB, 7, 0, -1, null);
            Instant begin = Instant.now();
            HttpResponse<String> created = upload(token, "archive.pdf", content).get(30, TimeUnit.MINUTES);
            Duration up = Duration.between(begin, Instant.now());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode document = VaultApi.json(created);
            assertThat(document.get("size").asLong()).isEqualTo(GIB);
            assertThat(document.get("sha256").asString()).isEqualTo(content.sha256());

            begin = Instant.now();
            assertThat(downloadSha256(token, document.get("id").asString())).isEqualTo(content.sha256());
            Duration down = Duration.between(begin, Instant.now());
            System.out.printf("[faults] 1 GiB up in %d s, down in %d s; vault-service peak heap used %.1f MiB"
                    + " (max %.1f MiB, %d samples)%n", up.toSeconds(), down.toSeconds(), heap.peakUsed() / (double) MIB,
                    heap.max() / (double) MIB, heap.samples());
        } finally {
            heap.stop();
            watcher.join(5000);
        }
        assertThat(platform.pid(VAULT)).as("the vault never restarted").isEqualTo(pid);
        assertThat(heap.samples()).isGreaterThan(10);
        assertThat(heap.peakUsed()).isPositive().isLessThanOrEqualTo(256L * MIB);
        assertThat(heap.max()).isLessThanOrEqualTo(256L * MIB);
        assertEveryRowHasItsObject();
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void withKeycloakStoppedIssuedTokensKeepWorkingAndThePortalSaysSignInIsUnavailable() throws Exception {
        String token = token("fault.keycloak");
        VaultApi api = new VaultApi(platform.settings().portalUrl(), token);
        assertThat(api.upload(VaultApi.pdf(40_000), "avis.pdf").statusCode()).isEqualTo(201);
        Instant stopped = Instant.now();
        platform.stop(KEYCLOAK);
        try {
            assertThat(platform.isRunning(KEYCLOAK)).isFalse();

            // A token issued before keeps working: the vault checks it against the realm's keys it already holds.
            byte[] pdf = VaultApi.pdf(41_000);
            HttpResponse<String> created = api.upload(pdf, "avis-2.pdf");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<byte[]> content = api.download(VaultApi.json(created).get("id").asString());
            assertThat(content.statusCode()).isEqualTo(200);
            assertThat(content.body()).isEqualTo(pdf);

            // The portal says in French that signing in is unavailable, instead of leaving for a page that cannot
            // load, and still offers « Se connecter » to try again.
            ChromeDriver browser = Browser.start(downloads);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(platform.settings().portalUrl() + "/");
                WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
                assertThat(error.getText()).isEqualTo(
                        "Le service de connexion est indisponible pour le moment. Réessayez dans quelques minutes.");
                assertThat(browser.getCurrentUrl()).startsWith(platform.settings().portalUrl());
                assertThat(browser.findElement(By.id("login-button")).isDisplayed()).isTrue();
                Accessibility.assertNoSeriousViolation(browser);
            } finally {
                browser.quit();
            }

            // Past the keys' cache time (last fetched before the stop), the vault cannot fetch them again; the token,
            // unexpired, still opens.
            Instant pastTheCache = stopped.plus(KEYS_CACHE_TIME).plusSeconds(10);
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), pastTheCache).toMillis()));
            assertThat(HttpLogin.claims(token).get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
            HttpResponse<String> listed = api.get("/api/v1/documents");
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(VaultApi.json(listed).get("totalItems").asLong()).isEqualTo(2);
        } finally {
            platform.restart(KEYCLOAK);
        }

        // Keycloak back, nothing else restarted: the portal offers « Se connecter » and a new login works.
        ChromeDriver browser = Browser.start(downloads);
        try {
            browser.get(platform.settings().portalUrl() + "/");
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(ExpectedConditions.elementToBeClickable(By.id("login-button")));
            assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        } finally {
            browser.quit();
        }
        assertThat(new VaultApi(platform.settings().portalUrl(), citizens.token("fault.keycloak"))
                .get("/api/v1/documents").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void postgresStoppedDuringUploadsGives503LeavesNoHalfStoredDocumentAndServiceResumesWithoutRestart()
            throws Exception {
        String token = token("fault.postgres");
        VaultApi api = new VaultApi(platform.settings().portalUrl(), token);
        long vault = platform.pid(VAULT);
        CountDownLatch midway = new CountDownLatch(1);
        // 9 MB at 3 MB/s: the vault has read what it needs and is sending parts to S3 when PostgreSQL goes.
        Generated content = new Generated(9_000_000, 11, 3_000_000, 3_000_000, midway::countDown);
        CompletableFuture<HttpResponse<String>> inFlight = upload(token, "bail.pdf", content);
        assertThat(midway.await(60, TimeUnit.SECONDS)).isTrue();
        platform.stopDatabase();
        try {
            for (HttpResponse<String> response : List.of(inFlight.get(3, TimeUnit.MINUTES),
                    api.upload(VaultApi.pdf(60_000), "quittance.pdf"))) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                JsonNode problem = VaultApi.json(response);
                assertThat(problem.get("code").asString()).isEqualTo("database-unavailable");
                assertThat(problem.get("detail").asString()).contains("Rien n'a été enregistré");
            }
        } finally {
            platform.startDatabase();
        }

        // Back without restarting the vault: nothing of the refused uploads is listed, a new one is stored whole,
        // and the sweeper removes what the cut upload had sent to S3.
        Generated again = new Generated(500_000, 12, 0, -1, null);
        HttpResponse<String> created = patientlyCreated(token, again);
        assertThat(platform.pid(VAULT)).as("the vault was not restarted").isEqualTo(vault);
        JsonNode listed = VaultApi.json(api.get("/api/v1/documents"));
        assertThat(listed.get("totalItems").asLong()).isEqualTo(1);
        assertThat(listed.get("items").get(0).get("id").asString())
                .isEqualTo(VaultApi.json(created).get("id").asString());
        assertThat(downloadSha256(token, VaultApi.json(created).get("id").asString())).isEqualTo(again.sha256());
        assertEveryRowHasItsObject();
        Instant deadline = Instant.now().plusSeconds(60);
        while (!storedObjectNames().equals(rowObjectNames()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(storedObjectNames()).isEqualTo(rowObjectNames());
    }

    /** The pool reconnects on its next request; the first answers after the restart may still be 503. */
    private HttpResponse<String> patientlyCreated(String token, Generated content) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            HttpResponse<String> response = upload(token, "bail.pdf", content).get(1, TimeUnit.MINUTES);
            if (response.statusCode() == 201 || response.statusCode() != 503 || Instant.now().isAfter(deadline)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                return response;
            }
            Thread.sleep(1_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private String token(String username) throws Exception {
        citizens.create(username);
        return citizens.token(username);
    }

    /** Deterministic PDF-looking content of any size, generated while read: never held in memory. */
    static final class Generated {

        final long size;
        private final long seed;
        private final long bytesPerSecond;
        private final long signalAt;
        private final Runnable signal;
        private volatile String sha256;

        Generated(long size, long seed, long bytesPerSecond, long signalAt, Runnable signal) {
            this.size = size;
            this.seed = seed;
            this.bytesPerSecond = bytesPerSecond;
            this.signalAt = signalAt;
            this.signal = signal;
        }

        InputStream open() {
            return new Stream(bytesPerSecond);
        }

        /** SHA-256 of the whole content, computed once by generating it again. */
        String sha256() throws IOException {
            if (sha256 == null) {
                MessageDigest digest = sha256Digest();
                try (InputStream in = new Stream(0)) {
                    byte[] buffer = new byte[256 * 1024];
                    for (int read; (read = in.read(buffer)) != -1; ) {
                        digest.update(buffer, 0, read);
                    }
                }
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            return sha256;
        }

        private final class Stream extends InputStream {

            private final SplittableRandom random = new SplittableRandom(seed);
            private final byte[] block = new byte[8192];
            private final long rate;
            private final long startNanos = System.nanoTime();
            private int blockPosition = block.length;
            private long position;
            private boolean signalled;

            Stream(long rate) {
                this.rate = rate;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position >= size) {
                    return -1;
                }
                if (blockPosition == block.length) {
                    random.nextBytes(block);
                    blockPosition = 0;
                    if (position == 0) {
                        byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
                        System.arraycopy(header, 0, block, 0, header.length);
                    }
                }
                int count = (int) Math.min(Math.min(length, block.length - blockPosition), size - position);
                System.arraycopy(block, blockPosition, buffer, offset, count);
                blockPosition += count;
                position += count;
                if (rate > 0) {
                    long due = startNanos + position * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(Duration.ofNanos(wait));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                }
                if (!signalled && signal != null && position >= signalAt) {
                    signalled = true;
                    signal.run();
                }
                return count;
            }
        }
    }

    /** A multipart upload whose file part is streamed from {@code content}, with its exact Content-Length. */
    private CompletableFuture<HttpResponse<String>> upload(String token, String filename, Generated content) {
        String boundary = "civis-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\njustificatif-domicile\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + filename + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = head.length + content.size + tail.length;
        HttpRequest request = HttpRequest.newBuilder(URI.create(platform.settings().portalUrl() + "/api/v1/documents"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new SequenceInputStream(new SequenceInputStream(new ByteArrayInputStream(head),
                                content.open()), new ByteArrayInputStream(tail))), length))
                .build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private String downloadSha256(String token, String id) throws Exception {
        return downloadSha256(new VaultApi(platform.settings().portalUrl(), token), id);
    }

    /** Streams the download through SHA-256: a 1 GiB body is never held. */
    private String downloadSha256(VaultApi api, String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(platform.settings().portalUrl()
                        + "/api/v1/documents/" + id + "/content"))
                .header("Authorization", "Bearer " + api.token()).GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = sha256Digest();
        try (InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            byte[] buffer = new byte[256 * 1024];
            for (int read; (read = body.read(buffer)) != -1; ) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Every file in s3proxy's folder for the bucket (its filesystem backend), hidden ones included. */
    private Set<String> storedObjectNames() throws IOException {
        Path bucket = platform.settings().dataDir().resolve("s3/civis-vault");
        if (!Files.isDirectory(bucket)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).map(file -> bucket.relativize(file).toString())
                    .collect(Collectors.toSet());
        }
    }

    /** The object names of the vault's document rows, read from PostgreSQL directly. */
    private Set<String> rowObjectNames() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/vault";
        try (Connection connection = DriverManager.getConnection(url, "vault",
                platform.secrets().databasePassword("vault"));
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT object_name FROM document")) {
            Set<String> names = new HashSet<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    private void assertEveryRowHasItsObject() throws Exception {
        assertThat(storedObjectNames()).containsAll(rowObjectNames());
    }

    /** Polls the vault's heap use (sum of the heap pools) from its Prometheus endpoint. */
    private static final class HeapWatch implements Runnable {

        private final HttpRequest request;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();

        HeapWatch(URI prometheus) {
            this.request = HttpRequest.newBuilder(prometheus).timeout(Duration.ofSeconds(5)).GET().build();
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    String metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
                    long used = sum(metrics, "jvm_memory_used_bytes");
                    long heapMax = sum(metrics, "jvm_memory_max_bytes");
                    if (used > 0) {
                        peak.accumulateAndGet(used, Math::max);
                        max.accumulateAndGet(heapMax, Math::max);
                        samples.incrementAndGet();
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException notNow) {
                    // Busy: try again.
                }
            }
        }

        /** Sum of a gauge over the heap pools ({@code area="heap"}); -1 values (undefined max) count as 0. */
        private static long sum(String metrics, String gauge) {
            long total = 0;
            for (String line : metrics.lines().toList()) {
                if (line.startsWith(gauge + "{") && line.contains("area=\"heap\"")) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    total += Math.max(0, (long) value);
                }
            }
            return total;
        }

        void stop() {
            running.set(false);
        }

        long peakUsed() {
            return peak.get();
        }

        long max() {
            return max.get();
        }

        long samples() {
            return samples.get();
        }
    }
}
