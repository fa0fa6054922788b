package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

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
 * brute-force failures on A and B add up; node A killed in the middle of logins, refreshes and vault calls, its
 * sessions live on through B, B answers every request, and the tokens A issued keep working until they expire.
 *
 * <p>On a platform of its own ({@code target/it-keycloak-cluster}); the last test kills node A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakClusterIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Infinispan's log line when a node's cluster view changes; {@code (1)}: a view of that node alone. */
    private static final Pattern ONE_MEMBER_VIEW =
            Pattern.compile("ISPN000094: Received new cluster view for channel \\S+: \\[[^\\]]*\\] \\(1\\)");

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
    void nodeAKilledDuringTrafficItsSessionsLiveOnThroughNodeB() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            users.add(citizens.create("cluster.traffic." + i));
        }
        Traffic traffic = new Traffic(users);
        // Sessions opened on each node before any traffic, left untouched until the end.
        for (String username : users) {
            traffic.open(nodeA, username);
            traffic.open(nodeB, username);
        }
        Path logOfB = platform.settings().dataDir().resolve("logs/keycloak-2.log");
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> loops = new ArrayList<>();
        try {
            loops.add(clients.submit(() -> traffic.loop(() -> traffic.login(nodeA))));
            loops.add(clients.submit(() -> traffic.loop(() -> traffic.login(nodeB))));
            loops.add(clients.submit(() -> traffic.loop(traffic::refreshOnB)));
            loops.add(clients.submit(() -> traffic.loop(traffic::callVault)));
            await("traffic on both nodes and both vault instances", traffic, () -> traffic.atLeast(Phase.BEFORE_KILL, 3));

            traffic.phase = Phase.KILLED;
            long logged = Files.size(logOfB);
            platform.kill("keycloak");
            assertThat(platform.isRunning("keycloak")).isFalse();
            // B has noticed: its cluster view is down to itself. Traffic goes on through that change and after it.
            await("node B's cluster view of one member", traffic, () -> ONE_MEMBER_VIEW.matcher(since(logOfB, logged)).find());
            traffic.phase = Phase.B_ALONE;
            await("traffic through B alone", traffic, () -> traffic.atLeast(Phase.B_ALONE, 5)
                    && traffic.count(Phase.B_ALONE, "cut A") > 0);
        } finally {
            traffic.stop = true;
            for (Future<?> loop : loops) {
                loop.get(3, TimeUnit.MINUTES);
            }
            clients.close();
        }
        System.out.printf("[keycloak-cluster] node A killed during traffic: %s; %d sessions, %d tokens issued by A%n",
                new TreeMap<>(traffic.counts), traffic.sessions.size(), traffic.issuedByA.size());
        assertThat(traffic.failures).as("requests that failed otherwise than by A's connections being cut").isEmpty();

        // Every session, opened on A before its kill or on B at any time, still refreshes on B.
        for (Session session : traffic.sessions) {
            JsonNode refreshed = tokens(nodeB, refresh(session.refreshToken));
            assertThat(HttpLogin.claims(refreshed.get("access_token").asString()).get("preferred_username").asString())
                    .isEqualTo(session.username);
        }
        // Tokens issued by A keep working at both vault instances until they expire (then beyond the services'
        // default 30 s clock tolerance they are refused).
        int accepted = 0;
        for (Issued token : traffic.issuedByA) {
            for (String vault : traffic.vaults) {
                long now = Instant.now().getEpochSecond();
                int status = new VaultApi(vault, token.accessToken()).get("/api/v1/documents").statusCode();
                if (now < token.expiresAt()) {
                    assertThat(status).as("unexpired token issued by A at " + vault).isEqualTo(200);
                    accepted++;
                } else if (now > token.expiresAt() + 30) {
                    assertThat(status).as("expired token issued by A at " + vault).isEqualTo(401);
                }
            }
        }
        System.out.printf("[keycloak-cluster] %d sessions refreshed on B; %d calls with unexpired tokens of A accepted%n",
                traffic.sessions.size(), accepted);
        assertThat(accepted).isPositive();

        // B's security events of the whole test, those after A's death included, reach the journal without A. This
        // does not tell which endpoint B's token came from: B keeps the token it took before A's death until it
        // expires, so it only shows that nothing is left waiting within the test's minutes.
        SecurityEvents events = new SecurityEvents(platform);
        for (String username : users) {
            String id = adminOnB.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
            events.awaitDelivered("\"userId\":\"" + id + "\"", Duration.ofMinutes(2));
            assertThat(events.journaled(List.of(id), List.of())).as("security events of " + username + " journaled")
                    .isNotEmpty();
        }
    }

    /** When each request of the traffic was sent (or, for a connection cut, when it failed). */
    private enum Phase {
        BEFORE_KILL, KILLED, B_ALONE
    }

    /** A session opened through the tests' client: for whom, and its latest refresh token (each refresh rotates it). */
    private static final class Session {
        final String username;
        volatile String refreshToken;

        Session(String username, String refreshToken) {
            this.username = username;
            this.refreshToken = refreshToken;
        }
    }

    private record Issued(String accessToken, long expiresAt) {
    }

    /**
     * Concurrent traffic: password logins on A and on B, refreshes on B of the sessions opened on A, and vault calls
     * alternating between the two vault instances and between tokens issued by A and by B. Each step counts its
     * outcome by phase; anything but a 200, or a connection error from A once it is being killed, is a failure.
     */
    private final class Traffic {

        final List<String> users;
        final List<String> vaults = List.of(platform.settings().portalUrl(),
                platform.settings().moreNodes().getFirst().vaultUrl());
        final List<Session> sessions = new CopyOnWriteArrayList<>();
        final List<Session> openedOnA = new CopyOnWriteArrayList<>();
        final List<Issued> issuedByA = new CopyOnWriteArrayList<>();
        final List<Issued> issuedByB = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger logins = new AtomicInteger();
        final AtomicInteger refreshes = new AtomicInteger();
        final AtomicInteger vaultCalls = new AtomicInteger();
        volatile Phase phase = Phase.BEFORE_KILL;
        volatile boolean stop;

        Traffic(List<String> users) {
            this.users = users;
        }

        void loop(Step step) {
            while (!stop) {
                try {
                    step.run();
                    // Pacing, so that two production Keycloak nodes and four services on two shared cores keep up.
                    Thread.sleep(50);
                } catch (Exception e) {
                    failures.add(phase + ": " + e);
                }
            }
        }

        void open(String node, String username) throws Exception {
            record(node, username, tokens(node, password(username, Citizens.PASSWORD)));
        }

        void login(String node) throws Exception {
            String username = users.get(Math.floorMod(logins.getAndIncrement(), users.size()));
            Phase sent = phase;
            HttpResponse<String> response;
            try {
                response = post(node, "/protocol/openid-connect/token", password(username, Citizens.PASSWORD));
            } catch (IOException cut) {
                // Node A's connections end with its process; that is expected once the kill has begun, and only then.
                if (node.equals(nodeA) && phase != Phase.BEFORE_KILL) {
                    tally(phase, "cut A");
                } else {
                    failures.add(sent + ": login on " + name(node) + ": " + cut);
                }
                return;
            }
            if (response.statusCode() != 200) {
                failures.add(sent + ": login on " + name(node) + " answered " + response.statusCode() + ": "
                        + response.body());
                return;
            }
            record(node, username, KeycloakClient.JSON.readTree(response.body()));
            tally(sent, "login " + name(node));
        }

        void refreshOnB() throws Exception {
            Session session = openedOnA.get(Math.floorMod(refreshes.getAndIncrement(), openedOnA.size()));
            Phase sent = phase;
            HttpResponse<String> response;
            try {
                response = post(nodeB, "/protocol/openid-connect/token", refresh(session.refreshToken));
            } catch (IOException e) {
                failures.add(sent + ": refresh on B: " + e);
                return;
            }
            if (response.statusCode() != 200) {
                failures.add(sent + ": refresh on B of a session opened on A answered " + response.statusCode()
                        + ": " + response.body());
                return;
            }
            session.refreshToken = KeycloakClient.JSON.readTree(response.body()).get("refresh_token").asString();
            tally(sent, "refresh B");
        }

        void callVault() throws Exception {
            int call = vaultCalls.getAndIncrement();
            String issuer = call % 2 == 0 ? "A" : "B";
            long soon = Instant.now().plusSeconds(10).getEpochSecond();
            List<Issued> unexpired = (issuer.equals("A") ? issuedByA : issuedByB).stream()
                    .filter(token -> token.expiresAt() > soon).toList();
            if (unexpired.isEmpty()) {
                return;
            }
            Issued token = unexpired.get(Math.floorMod(call / 2, unexpired.size()));
            int instance = (call / 2) % 2;
            Phase sent = phase;
            HttpResponse<String> response = new VaultApi(vaults.get(instance), token.accessToken())
                    .get("/api/v1/documents");
            if (response.statusCode() != 200) {
                failures.add(sent + ": vault " + (instance + 1) + " with a token of " + issuer + " answered "
                        + response.statusCode() + ": " + response.body());
                return;
            }
            tally(sent, "vault " + (instance + 1) + " token " + issuer);
        }

        /** Whether every kind of traffic that must go on has succeeded at least {@code times} times in {@code phase}. */
        boolean atLeast(Phase phase, int times) {
            List<String> kinds = new ArrayList<>(List.of("login B", "refresh B", "vault 1 token A", "vault 2 token A",
                    "vault 1 token B", "vault 2 token B"));
            if (phase == Phase.BEFORE_KILL) {
                kinds.add("login A");
            }
            return kinds.stream().allMatch(kind -> count(phase, kind) >= times);
        }

        int count(Phase phase, String kind) {
            AtomicInteger counter = counts.get(phase + " " + kind);
            return counter == null ? 0 : counter.get();
        }

        private void tally(Phase phase, String kind) {
            counts.computeIfAbsent(phase + " " + kind, key -> new AtomicInteger()).incrementAndGet();
        }

        private void record(String node, String username, JsonNode tokens) {
            assertThat(tokens.has("refresh_token")).as(tokens.toString()).isTrue();
            Session session = new Session(username, tokens.get("refresh_token").asString());
            sessions.add(session);
            String accessToken = tokens.get("access_token").asString();
            Issued issued = new Issued(accessToken, HttpLogin.claims(accessToken).get("exp").asLong());
            if (node.equals(nodeA)) {
                openedOnA.add(session);
                issuedByA.add(issued);
            } else {
                issuedByB.add(issued);
            }
        }

        private String name(String node) {
            return node.equals(nodeA) ? "A" : "B";
        }

        @Override
        public String toString() {
            return new TreeMap<>(counts) + ", failures " + failures;
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits for {@code condition}, at most five minutes (a loaded machine); the failure shows the traffic so far. */
    private static void await(String what, Traffic traffic, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Not within five minutes: " + what + "; traffic: " + traffic);
            }
            Thread.sleep(200);
        }
    }

    /** What a log file gained after its first {@code offset} bytes. */
    private static String since(Path log, long offset) throws IOException {
        try (var channel = Files.newByteChannel(log)) {
            channel.position(offset);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
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
                // Bounded: a node that hangs instead of answering fails the test rather than stalling it.
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakClient.form(form))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
