package fr.civis.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;

/** The benchmarks' calls to the platform's Keycloak: its token endpoint, and the admin API. */
final class KeycloakHttp {

    /** The one citizen the benchmarks create, and the password of their direct-grant clients' (bench only). */
    static final String CITIZEN = "bench-citizen";
    private static final String CITIZEN_PASSWORD = "bench-coffre-2026";
    private static final String CLIENT_SECRET = "bench-client-secret-not-for-production";

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http;
    private final String keycloakUrl;
    private final String adminPassword;

    KeycloakHttp(HttpClient http, Platform platform) throws IOException {
        this.http = http;
        this.keycloakUrl = platform.settings().keycloakUrl();
        this.adminPassword = platform.secrets().get(Secrets.KEYCLOAK_ADMIN_PASSWORD);
    }

    /**
     * A bench-only confidential client {@code clientId} with direct grants, whose tokens name the vault and
     * consent-service as audiences, and the citizen {@link #CITIZEN}: what the benchmarks time needs no browser login.
     */
    void createCitizen(String clientId) throws Exception {
        String mappers = Stream.of("civis-vault", "civis-consent").map(audience -> """
                {"name":"audience %1$s","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
                 "config":{"included.custom.audience":"%1$s","access.token.claim":"true"}}""".formatted(audience))
                .collect(Collectors.joining(","));
        create("/realms/civis/clients", """
                {"clientId":"%s","enabled":true,"publicClient":false,"secret":"%s","standardFlowEnabled":false,
                 "directAccessGrantsEnabled":true,"protocolMappers":[%s]}""".formatted(clientId, CLIENT_SECRET, mappers));
        createOtherCitizen(CITIZEN);
    }

    /** One more citizen, {@code username}, with the same password as {@link #CITIZEN}. */
    void createOtherCitizen(String username) throws Exception {
        create("/realms/civis/users", """
                {"username":"%s","enabled":true,"firstName":"Bench","lastName":"Citizen",
                 "email":"%1$s@civis.localhost","emailVerified":true,
                 "credentials":[{"type":"password","value":"%s","temporary":false}]}""".formatted(username, CITIZEN_PASSWORD));
    }

    /** The password grant of {@link #CITIZEN} through the bench client {@code clientId} made by {@link #createCitizen}. */
    static Map<String, String> citizenGrant(String clientId) {
        return citizenGrant(clientId, CITIZEN);
    }

    /** The same for a citizen made by {@link #createOtherCitizen}. */
    static Map<String, String> citizenGrant(String clientId, String username) {
        return Map.of("grant_type", "password", "client_id", clientId, "client_secret", CLIENT_SECRET,
                "username", username, "password", CITIZEN_PASSWORD, "scope", "openid");
    }

    /** The access token {@code realm}'s token endpoint returns for these form parameters; anything else stops the run. */
    String token(String realm, Map<String, String> parameters) throws Exception {
        return token(keycloakUrl, realm, parameters);
    }

    /** The same from the Keycloak node at {@code node} (of a cluster: each node answers back-channel calls itself). */
    String token(String node, String realm, Map<String, String> parameters) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                        node + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))).build(), HttpResponse.BodyHandlers.ofString());
        Matcher token = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("Token endpoint of " + realm + " answered " + response.statusCode());
        }
        return token.group(1);
    }

    /** POSTs {@code json} to the admin API under {@code path}; what exists already (409) is fine. */
    void create(String path, String json) throws Exception {
        admin("POST", path, json, 201, 409);
    }

    /** PUTs {@code json} to the admin API under {@code path}. */
    void update(String path, String json) throws Exception {
        admin("PUT", path, json, 204);
    }

    /** The admin API's JSON answer for {@code path}. */
    String read(String path) throws Exception {
        return admin("GET", path, null, 200);
    }

    private String admin(String method, String path, String json, int... expected) throws Exception {
        String adminToken = token("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", "admin", "password", adminPassword));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(keycloakUrl + "/admin" + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (Arrays.stream(expected).noneMatch(status -> status == response.statusCode())) {
            throw new IllegalStateException("Admin API " + method + " " + path + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    /** {@code application/x-www-form-urlencoded}. */
    static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
