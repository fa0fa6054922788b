package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * A master-key rotation on the running platform (PKCS#12 → PKCS#12, the development key store): only an
 * administrator at eidas2 starts it; every citizen key is rewrapped while citizens keep uploading and downloading;
 * the old key retires once nothing names it; every document still opens with its SHA-256; progress is in the
 * metrics.
 */
@ExtendWith(PlatformExtension.class)
class MasterKeyRotationIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BODY = "{\"keyId\":\"%s\",\"store\":\"pkcs12\",\"generate\":true}";

    @Test
    void anAdministratorRotatesTheMasterKeyWhileCitizensKeepWorking(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String portal = platform.settings().portalUrl();
        List<VaultApi> safes = new ArrayList<>();
        Map<String, String> digests = new java.util.concurrent.ConcurrentHashMap<>(); // document id → SHA-256
        Map<String, VaultApi> owners = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++) {
            VaultApi safe = new VaultApi(portal, citizens.token(citizens.create("rotation.citizen" + i)));
            safes.add(safe);
            upload(safe, i, digests, owners);
        }
        String adminName = "rotation.admin";
        HttpLogin adminLogin = citizens.createWithTotp(adminName);
        grantAdminRole(citizens.keycloak(), adminName);
        // Staff never get a token for the password alone: the administrator's own login, at the default level.
        VaultApi adminEidas1 = new VaultApi(portal, adminLogin.accessToken(null));
        VaultApi admin = new VaultApi(portal, adminLogin.accessToken("eidas2"));
        String newKey = "civis-master-it-" + Long.toHexString(System.nanoTime());

        // Only an administrator, and only at eidas2.
        assertThat(postJson(safes.getFirst(), "/api/v1/admin/master-keys/rotation", BODY.formatted(newKey))
                .statusCode()).isEqualTo(403);
        assertThat(postJson(adminEidas1, "/api/v1/admin/master-keys/rotation", BODY.formatted(newKey))
                .statusCode()).isEqualTo(401);
        String oldKey = currentKey(admin);

        // Traffic: uploads and downloads by every citizen, all the time the rotation runs.
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger served = new AtomicInteger();
        List<Thread> traffic = new ArrayList<>();
        for (int i = 0; i < safes.size(); i++) {
            VaultApi safe = safes.get(i);
            int n = i;
            traffic.add(Thread.ofVirtual().start(() -> {
                int round = 0;
                while (running.get() || round < 3) {
                    try {
                        upload(safe, 100 * n + round, digests, owners);
                        for (Map.Entry<String, VaultApi> document : owners.entrySet()) {
                            if (document.getValue() == safe) {
                                check(safe, document.getKey(), digests.get(document.getKey()));
                            }
                        }
                        served.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                    round++;
                }
            }));
        }

        HttpResponse<String> started = postJson(admin, "/api/v1/admin/master-keys/rotation", BODY.formatted(newKey));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(VaultApi.json(started).get("targetKey").asString()).isEqualTo(newKey);

        JsonNode rotation = awaitDone(admin);
        running.set(false);
        for (Thread thread : traffic) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(served.get()).isGreaterThanOrEqualTo(18);
        assertThat(rotation.get("done").asLong()).isEqualTo(rotation.get("total").asLong());
        assertThat(rotation.get("leftOver").asLong()).isZero();

        // Nothing names the old key any more: it retires; the current one cannot.
        JsonNode keys = VaultApi.json(admin.get("/api/v1/admin/master-keys")).get("keys");
        for (JsonNode key : keys) {
            if (key.get("id").asString().equals(oldKey)) {
                assertThat(key.get("citizenKeys").asLong()).isZero();
            }
        }
        assertThat(admin.post("/api/v1/admin/master-keys/" + newKey + "/retirement").statusCode()).isEqualTo(409);
        HttpResponse<String> retired = admin.post("/api/v1/admin/master-keys/" + oldKey + "/retirement");
        assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);

        // Every document, old and new, opens to its SHA-256 under the new master key.
        for (Map.Entry<String, VaultApi> document : owners.entrySet()) {
            check(document.getValue(), document.getKey(), digests.get(document.getKey()));
        }
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + platform.settings().ports().vaultManagement() + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("civis_vault_master_key_rotation_done")
                .contains("civis_vault_master_key_rewrapped_total");
    }

    private static void upload(VaultApi safe, int seed, Map<String, String> digests, Map<String, VaultApi> owners)
            throws Exception {
        byte[] pdf = VaultApi.pdf(20_000 + seed);
        HttpResponse<String> response = safe.upload(pdf, "piece-" + seed + ".pdf");
        if (response.statusCode() != 201) {
            throw new AssertionError("upload " + response.statusCode() + " " + response.body());
        }
        String id = VaultApi.json(response).get("id").asString();
        digests.put(id, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf)));
        owners.put(id, safe);
    }

    private static void check(VaultApi safe, String id, String sha256) throws Exception {
        HttpResponse<byte[]> content = safe.download(id);
        if (content.statusCode() != 200) {
            throw new AssertionError("download " + content.statusCode());
        }
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.body()));
        if (!actual.equals(sha256)) {
            throw new AssertionError("document " + id + " changed");
        }
    }

    private static String currentKey(VaultApi admin) throws Exception {
        for (JsonNode key : VaultApi.json(admin.get("/api/v1/admin/master-keys")).get("keys")) {
            if (key.get("state").asString().equals("current")) {
                return key.get("id").asString();
            }
        }
        throw new AssertionError("no current master key");
    }

    private static JsonNode awaitDone(VaultApi admin) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            JsonNode rotation = VaultApi.json(admin.get("/api/v1/admin/master-keys")).get("rotation");
            if (rotation != null && "done".equals(rotation.get("state").asString())) {
                return rotation;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the rotation did not end within 2 minutes");
    }

    private static HttpResponse<String> postJson(VaultApi api, String path, String json) throws Exception {
        return api.postJson(path, json);
    }

    static void grantAdminRole(KeycloakClient keycloak, String username) throws Exception {
        String id = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        JsonNode role = keycloak.get("/realms/civis/roles/admin");
        keycloak.send("POST", "/realms/civis/users/" + id + "/role-mappings/realm",
                List.of(Map.of("id", role.get("id").asString(), "name", "admin")));
    }
}
