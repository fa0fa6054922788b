package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Both services accept only access tokens the {@code civis} realm issued for them, unexpired and signed with the
 * realm's keys. Every token here comes from the real Keycloak; only the tampered ones are altered afterwards.
 */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenValidationIT {

    private static final String CITIZEN = "jeton.citoyen";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Platform platform;
    private Citizens citizens;

    @BeforeAll
    void createTestClients(Platform platform) throws Exception {
        this.platform = platform;
        this.citizens = new Citizens(platform);
        KeycloakClient keycloak = citizens.keycloak();
        keycloak.create("/realms/civis/clients", Citizens.directGrantClient("it-short-lived", Map.of("access.token.lifespan", "1"), true));
        keycloak.create("/realms/civis/clients", Citizens.directGrantClient("it-no-audience", Map.of(), false));
        // Another realm on the same Keycloak, whose tokens even name our services as audience.
        keycloak.create("/realms", Map.of("realm", "autre", "enabled", true));
        keycloak.create("/realms/autre/clients", Citizens.directGrantClient("it-services", Map.of(), true));
        // A citizen of its own, the same name in both realms: the demo account is shared with other tests.
        citizens.create(CITIZEN);
        keycloak.create("/realms/autre/users", Map.of("username", CITIZEN, "enabled", true,
                "firstName", "Test", "lastName", CITIZEN, "email", CITIZEN + "@autre.localhost",
                "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
    }

    private String citizenToken(String realm, String clientId) throws Exception {
        return citizens.token(realm, clientId, CITIZEN);
    }

    Stream<Named<String>> services() {
        return Stream.of(Named.of("vault-service", platform.settings().portalUrl()),
                Named.of("consent-service", platform.settings().consentUrl()));
    }

    private static HttpResponse<String> me(String serviceUrl, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl + "/api/v1/me"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = KeycloakClient.JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("services")
    void acceptsACitizenTokenOfTheRealmForTheService(String service) throws Exception {
        HttpResponse<String> response = me(service, citizenToken("civis", "it-services"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode me = KeycloakClient.JSON.readTree(response.body());
        assertThat(me.get("username").asString()).isEqualTo(CITIZEN);
        assertThat(me.get("roles").toString()).isEqualTo("[\"citizen\"]");
        assertThat(me.get("sub").asString()).isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesACallWithoutToken(String service) throws Exception {
        assertRefused(me(service, null), "authentication-required");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesATokenFromAnotherRealm(String service) throws Exception {
        assertRefused(me(service, citizenToken("autre", "it-services")), "token-invalid");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesAnExpiredToken(String service) throws Exception {
        String token = citizenToken("civis", "it-short-lived");
        long expiresAt = payload(token).get("exp").asLong();
        while (System.currentTimeMillis() / 1000 <= expiresAt) {
            Thread.sleep(250);
        }
        assertRefused(me(service, token), "token-invalid");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesATokenForAnotherAudience(String service) throws Exception {
        String token = citizenToken("civis", "it-no-audience");
        assertThat(payload(token).toString()).doesNotContain("civis-vault", "civis-consent");
        assertRefused(me(service, token), "token-invalid");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesATamperedSignature(String service) throws Exception {
        String[] parts = citizenToken("civis", "it-services").split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        String tampered = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertRefused(me(service, tampered), "token-invalid");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesAPayloadChangedUnderAValidSignature(String service) throws Exception {
        String[] parts = citizenToken("civis", "it-services").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"citizen\"", "\"admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(me(service, forged), "token-invalid");
    }

    @ParameterizedTest
    @MethodSource("services")
    void refusesAnUnsignedToken(String service) throws Exception {
        String[] parts = citizenToken("civis", "it-services").split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(me(service, header + "." + parts[1] + "."), "token-invalid");
    }

    @Test
    void answersInEnglishWhenTheCallerAsks() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(platform.settings().portalUrl() + "/api/v1/me"))
                .header("Accept-Language", "en").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(KeycloakClient.JSON.readTree(response.body()).get("title").asString()).isEqualTo("Sign-in required");
    }

    private static JsonNode payload(String token) {
        return KeycloakClient.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
