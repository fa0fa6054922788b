package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;

/**
 * Two Keycloak nodes of realm {@code civis} on this machine, as {@code ./civis up --nodes 2} starts them: production
 * mode, Infinispan caches clustered through the jdbc-ping stack on the shared PostgreSQL, each node on its own port
 * and nothing in front (docs/adr/0023-cluster-layout.md). A session opened on node A is refreshed and ended on node B;
 * brute-force failures on A and B add up; node A killed, a session lives on through B.
 *
 * <p>On a platform of its own ({@code target/it-keycloak-cluster}); the last test kills node A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakClusterIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Platform platform;
    private Citizens citizens;
    private String nodeA;
    private String nodeB;
    private KeycloakClient adminOnB;

    @BeforeAll
    void start() throws Exception {
        platform = PlatformExtension.startPlatform("it-keycloak-cluster", Map.of(),
                Map.of("vault-service", "256m", "consent-service", "256m"), 2, true);
        citizens = new Citizens(platform);
        nodeA = platform.settings().keycloakUrl();
        nodeB = platform.settings().moreNodes().getFirst().keycloakUrl();
        adminOnB = new KeycloakClient(nodeB, platform.secrets().get(Secrets.KEYCLOAK_ADMIN_PASSWORD));
        assertThat(platform.parts()).contains("keycloak", "keycloak-2");
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void aSessionOpenedOnNodeAIsRefreshedAndEndedOnNodeB() throws Exception {
        String username = citizens.create("cluster.session");
        JsonNode login = tokens(nodeA, password(username, Citizens.PASSWORD));
        assertThat(login.has("refresh_token")).as(login.toString()).isTrue();

        JsonNode refreshed = tokens(nodeB, refresh(login.get("refresh_token").asString()));
        assertThat(refreshed.has("access_token")).as(refreshed.toString()).isTrue();
        // One issuer for both nodes: the services accept a token from either.
        assertThat(HttpLogin.claims(refreshed.get("access_token").asString()).get("iss").asString())
                .isEqualTo(platform.settings().issuer());

        HttpResponse<String> logout = post(nodeB, "/protocol/openid-connect/logout",
                client(Map.of("refresh_token", refreshed.get("refresh_token").asString())));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
        // Ended on B, gone on A too.
        HttpResponse<String> afterLogout = post(nodeA, "/protocol/openid-connect/token",
                refresh(refreshed.get("refresh_token").asString()));
        assertThat(afterLogout.statusCode()).isEqualTo(400);
        assertThat(KeycloakClient.JSON.readTree(afterLogout.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    @Order(2)
    void wrongPasswordsOnBothNodesAddUp() throws Exception {
        String username = citizens.create("cluster.force.brute");
        for (String node : new String[] {nodeA, nodeB, nodeA, nodeB}) {
            // Keycloak 26.7 answers a wrong password at the token endpoint with 400 invalid_grant.
            assertThat(post(node, "/protocol/openid-connect/token", password(username, "pas-le-bon")).statusCode())
                    .isEqualTo(400);
            // Slower than the realm's quick-login check (one second), which would lock the account at once.
            Thread.sleep(1500);
        }
        String id = adminOnB.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        JsonNode status = adminOnB.get("/realms/civis/attack-detection/brute-force/users/" + id);
        assertThat(status.get("numFailures").asInt()).as(status.toString()).isEqualTo(4);
        assertThat(status.get("disabled").asBoolean()).isFalse();

        // The fifth, on either node, reaches the realm's failure factor (5).
        assertThat(post(nodeB, "/protocol/openid-connect/token", password(username, "pas-le-bon")).statusCode())
                .isEqualTo(400);
        JsonNode locked = new KeycloakClient(nodeA, platform.secrets().get(Secrets.KEYCLOAK_ADMIN_PASSWORD))
                .get("/realms/civis/attack-detection/brute-force/users/" + id);
        assertThat(locked.get("disabled").asBoolean()).as(locked.toString()).isTrue();
    }

    @Test
    @Order(3)
    void nodeAKilledItsSessionsLiveOnThroughNodeB() throws Exception {
        String username = citizens.create("cluster.survivor");
        JsonNode login = tokens(nodeA, password(username, Citizens.PASSWORD));

        platform.kill("keycloak");
        assertThat(platform.isRunning("keycloak")).isFalse();

        JsonNode refreshed = tokens(nodeB, refresh(login.get("refresh_token").asString()));
        assertThat(refreshed.has("access_token")).as(refreshed.toString()).isTrue();
        assertThat(HttpLogin.claims(refreshed.get("access_token").asString()).get("preferred_username").asString())
                .isEqualTo(username);
        // And B still opens new sessions.
        assertThat(tokens(nodeB, password(username, Citizens.PASSWORD)).has("access_token")).isTrue();
    }

    private static Map<String, String> client(Map<String, String> values) {
        Map<String, String> form = new HashMap<>(values);
        form.put("client_id", Citizens.CLIENT);
        form.put("client_secret", Citizens.SECRET);
        return form;
    }

    private static Map<String, String> password(String username, String password) {
        return client(Map.of("grant_type", "password", "username", username, "password", password,
                "scope", "openid"));
    }

    private static Map<String, String> refresh(String refreshToken) {
        return client(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private static JsonNode tokens(String node, Map<String, String> form) throws Exception {
        HttpResponse<String> response = post(node, "/protocol/openid-connect/token", form);
        assertThat(response.statusCode()).as(node + ": " + response.body()).isEqualTo(200);
        return KeycloakClient.JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String node, String path, Map<String, String> form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node + "/realms/civis" + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakClient.form(form))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
