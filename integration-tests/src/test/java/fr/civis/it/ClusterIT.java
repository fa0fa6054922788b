package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;

/**
 * Two instances of vault-service and of consent-service on one database and one bucket, as {@code ./civis up --nodes 2}
 * starts them (docs/adr/0023-cluster-layout.md; Keycloak's own cluster is {@link KeycloakClusterIT}'s): uploads through
 * both at once, each document downloaded through the other; the scheduled jobs run once per period across the two, not
 * twice; the export limit counts both.
 *
 * <p>On a platform of its own ({@code target/it-cluster}, free ports) with jobs every two seconds and a limit of three
 * exports an hour, settings the shared platform must not see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Duration JOB_INTERVAL = Duration.ofSeconds(2);
    private static final int EXPORTS_PER_HOUR = 3;

    private Platform platform;
    private Citizens citizens;
    private String first;
    private String second;

    @BeforeAll
    void start() throws Exception {
        platform = PlatformExtension.startPlatform("it-cluster", Map.of(
                "CIVIS_STORAGE_SWEEP_INITIAL_DELAY", "PT1S",
                "CIVIS_STORAGE_SWEEP_INTERVAL", "PT" + JOB_INTERVAL.toSeconds() + "S",
                "CIVIS_SAFE_CLOSURE_CHECK_INITIAL_DELAY", "PT1S",
                "CIVIS_SAFE_CLOSURE_CHECK_INTERVAL", "PT" + JOB_INTERVAL.toSeconds() + "S",
                "CIVIS_EXPORT_MAX_PER_HOUR", Integer.toString(EXPORTS_PER_HOUR)),
                // Four Spring services and Keycloak on one small machine.
                Map.of("vault-service", "256m", "consent-service", "256m"), 2, false);
        citizens = new Citizens(platform);
        first = platform.settings().portalUrl();
        PlatformSettings.NodePorts node2 = platform.settings().moreNodes().getFirst();
        second = node2.vaultUrl();
        assertThat(platform.parts()).contains("vault-service", "vault-service-2", "consent-service",
                "consent-service-2");
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void uploadsThroughBothInstancesAtOnceDownloadThroughTheOther() throws Exception {
        String token = token("cluster.uploads");
        List<String> nodes = List.of(first, second);
        List<CompletableFuture<Uploaded>> uploads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String node = nodes.get(i % 2);
            byte[] content = VaultApi.pdf(200_000 + i * 10_000);
            uploads.add(CompletableFuture.supplyAsync(() -> {
                try {
                    HttpResponse<String> created = new VaultApi(node, token).upload(content, "piece-" + content.length + ".pdf");
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    return new Uploaded(node, VaultApi.json(created).get("id").asString(), sha256(content));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Uploaded> upload : uploads) {
            Uploaded document = upload.get(3, TimeUnit.MINUTES);
            String other = document.node().equals(first) ? second : first;
            HttpResponse<byte[]> download = new VaultApi(other, token).download(document.id());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(sha256(download.body())).isEqualTo(document.sha256());
        }
        for (String node : nodes) {
            assertThat(VaultApi.json(new VaultApi(node, token).get("/api/v1/documents")).get("totalItems").asLong())
                    .isEqualTo(12);
        }
    }

    @Test
    @Order(2)
    void theScheduledJobsRunOncePerPeriodAcrossBothInstances() throws Exception {
        Map<String, Long> before = jobRuns();
        Duration window = Duration.ofSeconds(30);
        Thread.sleep(window.toMillis());
        Map<String, Long> after = jobRuns();
        // Each instance ticks every two seconds: both running the jobs would make about 30 runs in 30 s; one claim per
        // 80 % of a period makes 19 at most. At least 3: the jobs do run (a loaded machine stretches the ticks).
        long most = window.toMillis() * 100 / (JOB_INTERVAL.toMillis() * 80) + 1;
        for (String job : List.of("orphan-sweep", "safe-closure")) {
            long runs = after.get(job) - before.getOrDefault(job, 0L);
            System.out.printf("[cluster] %s ran %d times in %d s on two instances ticking every %d s%n", job, runs,
                    window.toSeconds(), JOB_INTERVAL.toSeconds());
            assertThat(runs).as(job).isBetween(3L, most);
        }
        assertThat(platform.isRunning("vault-service")).isTrue();
        assertThat(platform.isRunning("vault-service-2")).isTrue();
    }

    @Test
    @Order(3)
    void theExportLimitCountsTheExportsOfBothInstances() throws Exception {
        String token = citizens.eidas2Token("cluster.export");
        for (int i = 0; i < EXPORTS_PER_HOUR; i++) {
            HttpResponse<byte[]> export = new VaultApi(i % 2 == 0 ? first : second, token).getBytes("/api/v1/me/export");
            assertThat(export.statusCode()).isEqualTo(200);
        }
        for (String node : List.of(first, second)) {
            HttpResponse<String> refused = new VaultApi(node, token).get("/api/v1/me/export");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(VaultApi.json(refused).get("code").asString()).isEqualTo("export-rate-limited");
        }
    }

    @Test
    @Order(4)
    void anInstanceOfEachServiceKilledDuringUploadsLosesNoAcknowledgedUpload() throws Exception {
        String token = token("cluster.kill");
        List<String> nodes = List.of(first, second);
        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // id → SHA-256
        Map<String, Integer> answered = new ConcurrentHashMap<>();   // node → uploads answered 201
        AtomicInteger cut = new AtomicInteger();
        // Instance 2 is killed once it has acknowledged an upload, with the others still coming.
        CompletableFuture<Void> secondAcknowledged = new CompletableFuture<>();
        List<CompletableFuture<Void>> uploads = new ArrayList<>();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 16; i++) {
            String node = nodes.get(i % 2);
            byte[] content = VaultApi.pdf(400_000 + i * 50_000);
            uploads.add(CompletableFuture.runAsync(() -> {
                try {
                    HttpResponse<String> created = new VaultApi(node, token).upload(content, "piece-" + content.length + ".pdf");
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    acknowledged.put(VaultApi.json(created).get("id").asString(), sha256(content));
                    answered.merge(node, 1, Integer::sum);
                    if (node.equals(second)) {
                        secondAcknowledged.complete(null);
                    }
                } catch (java.io.IOException connectionLost) {
                    // What a client of a killed instance sees: the connection ends without an answer.
                    cut.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        secondAcknowledged.get(3, TimeUnit.MINUTES);
        platform.kill("vault-service-2");
        platform.kill("consent-service-2");
        for (CompletableFuture<Void> upload : uploads) {
            upload.get(3, TimeUnit.MINUTES);
        }
        System.out.printf("[cluster] instance 2 killed: %d uploads acknowledged (%s), %d cut%n", acknowledged.size(),
                answered, cut.get());
        clients.close();
        assertThat(answered.get(first)).as("node 1 answered all its uploads").isEqualTo(8);
        assertThat(answered.get(second)).as("uploads acknowledged by instance 2 before its kill").isPositive();
        assertThat(cut.get()).as("uploads cut by the kill").isPositive();

        // Every acknowledged upload is there, whole, through the instance left; and through the other once it is back.
        platform.restart("consent-service-2");
        platform.restart("vault-service-2");
        for (String node : nodes) {
            VaultApi api = new VaultApi(node, token);
            List<String> listed = new ArrayList<>();
            VaultApi.json(api.get("/api/v1/documents?size=100")).get("items")
                    .forEach(item -> listed.add(item.get("id").asString()));
            assertThat(listed).containsAll(acknowledged.keySet());
            for (var document : acknowledged.entrySet()) {
                HttpResponse<byte[]> download = api.download(document.getKey());
                assertThat(download.statusCode()).isEqualTo(200);
                assertThat(sha256(download.body())).isEqualTo(document.getValue());
            }
        }
    }

    private Map<String, Long> jobRuns() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/vault";
        try (Connection connection = DriverManager.getConnection(url, "vault",
                platform.secrets().databasePassword("vault"));
             PreparedStatement query = connection.prepareStatement("SELECT name, runs FROM scheduled_job");
             ResultSet rows = query.executeQuery()) {
            Map<String, Long> runs = new HashMap<>();
            while (rows.next()) {
                runs.put(rows.getString(1), rows.getLong(2));
            }
            return runs;
        }
    }

    private String token(String username) throws Exception {
        citizens.create(username);
        return citizens.token(username);
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private record Uploaded(String node, String id, String sha256) {
    }
}
