package fr.civis.consent.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import fr.civis.consent.MutableClock;
import fr.civis.consent.keycloak.KeycloakAdmin;
import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.CivisSecurityProperties;
import tools.jackson.databind.json.JsonMapper;

/** The registry read from a stand-in for Keycloak's token endpoint and admin API. */
class RecipientRegistryTest {

    private static final String MAIRIE = """
            {"clientId": "mairie-demo", "enabled": true, "rootUrl": "", "redirectUris": ["http://localhost:8090/callback"],
             "attributes": {"civis.recipient": %s},
             "protocolMappers": [{"name": "pairwise", "protocolMapper": "oidc-sha256-pairwise-sub-mapper",
               "config": {"sectorIdentifierUri": "", "pairwiseSubAlgorithmSalt": "s4lt"}}]}""".formatted(quoted("""
            {"displayName": "Mairie de Civis — Petite enfance", "kind": "municipal", "dpoContact": "dpo@mairie.example",
             "pairwise": true, "purposes": [{"code": "inscription-creche", "label": "Inscription à la crèche",
             "legalBasis": "public-task", "documentTypes": ["justificatif-domicile"], "maxDuration": "P90D"}]}"""));
    private static final String EAU_WITHOUT_MAPPER = """
            {"clientId": "partenaire-eau", "enabled": true, "redirectUris": ["https://eau.example/retour"],
             "attributes": {"civis.recipient": %s}}""".formatted(quoted("""
            {"displayName": "Eau", "kind": "partner", "purposes": [{"code": "abonnement", "label": "Abonnement",
             "legalBasis": "consent", "documentTypes": ["justificatif-domicile"], "maxDuration": "P30D"}]}"""));
    private static final String NOT_A_RECIPIENT = """
            {"clientId": "civis-portal", "enabled": true, "redirectUris": ["http://localhost:8082/"], "attributes": {}}""";
    private static final String BAD_BASIS = """
            {"clientId": "bad", "enabled": true, "redirectUris": [], "attributes": {"civis.recipient": %s}}"""
            .formatted(quoted("""
            {"displayName": "Bad", "kind": "partner", "pairwise": false, "purposes": [{"code": "x", "label": "X",
             "legalBasis": "because", "documentTypes": ["a"]}]}"""));
    private static final String PLAIN_PARTNER = """
            {"clientId": "plain", "enabled": true, "redirectUris": ["https://plain.example/cb", "https://plain.example/*"],
             "attributes": {"civis.recipient": %s}}""".formatted(quoted("""
            {"displayName": "Plain", "kind": "partner", "pairwise": false, "purposes": [{"code": "x", "label": "X",
             "legalBasis": "consent", "documentTypes": ["a"], "maxDuration": "P1D"}]}"""));

    private HttpServer keycloak;
    private final AtomicInteger clientReads = new AtomicInteger();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private volatile boolean down;
    private MutableClock clock;
    private RecipientRegistry registry;

    private static String quoted(String json) {
        return JsonMapper.builder().build().writeValueAsString(json);
    }

    @BeforeEach
    void start() throws IOException {
        keycloak = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keycloak.createContext("/realms/civis/protocol/openid-connect/token", exchange ->
                answer(exchange, "{\"access_token\": \"service-token\", \"expires_in\": 300}"));
        keycloak.createContext("/admin/realms/civis/clients", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            clientReads.incrementAndGet();
            boolean firstPage = exchange.getRequestURI().getQuery().contains("first=0");
            answer(exchange, firstPage ? "[" + String.join(",", MAIRIE, EAU_WITHOUT_MAPPER, NOT_A_RECIPIENT, BAD_BASIS,
                    PLAIN_PARTNER) + "]" : "[]");
        });
        keycloak.start();
        clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        URI issuer = URI.create("http://127.0.0.1:" + keycloak.getAddress().getPort() + "/realms/civis");
        var account = new RecipientProperties("civis-consent", "secret", Duration.ofSeconds(30), Duration.ofMinutes(5));
        registry = new RecipientRegistry(new KeycloakAdmin(RestClient.builder(), account,
                new CivisSecurityProperties(issuer, "civis-consent", null, Duration.ofSeconds(30), Duration.ofMinutes(5), List.of()), clock),
                JsonMapper.builder().build(), account, clock);
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        if (down) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        keycloak.stop(0);
    }

    @Test
    void reads_recipients_and_leaves_out_invalid_ones() {
        assertThat(registry.all()).extracting(Recipient::clientId).containsExactlyInAnyOrder("mairie-demo", "plain");
        assertThat(authorization.get()).isEqualTo("Bearer service-token");
        Recipient mairie = registry.find("mairie-demo").orElseThrow();
        assertThat(mairie.displayName()).isEqualTo("Mairie de Civis — Petite enfance");
        assertThat(mairie.returnUris()).containsExactly("http://localhost:8090/callback");
        assertThat(mairie.purpose("inscription-creche")).hasValueSatisfying(purpose -> {
            assertThat(purpose.legalBasis()).isEqualTo("public-task");
            assertThat(purpose.maxDuration()).isEqualTo("P90D");
            assertThat(purpose.longest()).isEqualTo(Duration.ofDays(90));
        });
        assertThat(mairie.subjectFor("sub-1")).isEqualTo(new PairwiseSubject("localhost", "s4lt").of("sub-1"));
        Recipient plain = registry.find("plain").orElseThrow();
        assertThat(plain.subjectFor("sub-1")).isEqualTo("sub-1");
        assertThat(plain.returnUris()).as("no wildcard is a return URI").containsExactly("https://plain.example/cb");
        assertThat(registry.find("partenaire-eau")).as("pairwise without Keycloak's mapper: never the sub").isEmpty();
    }

    @Test
    void is_cached_then_read_again_and_survives_a_short_keycloak_outage() {
        registry.all();
        registry.find("mairie-demo");
        assertThat(clientReads).hasValue(1);
        clock.advance(Duration.ofSeconds(31));
        registry.all();
        assertThat(clientReads).hasValue(2);

        down = true;
        clock.advance(Duration.ofSeconds(31));
        assertThat(registry.find("mairie-demo")).isPresent();
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(registry::all).isInstanceOf(ProblemException.class)
                .hasMessage("recipients-unavailable");
    }
}
