package fr.civis.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to the real Keycloak of the test platform: admin REST API and token endpoint. */
final class KeycloakClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String baseUrl;
    private final String adminPassword;

    KeycloakClient(Platform platform) throws IOException {
        this(platform.settings().keycloakUrl(), platform.secrets().get(Secrets.KEYCLOAK_ADMIN_PASSWORD));
    }

    /** A given node of a Keycloak cluster. */
    KeycloakClient(String baseUrl, String adminPassword) {
        this.baseUrl = baseUrl;
        this.adminPassword = adminPassword;
    }

    /** Creates what {@code representation} describes under {@code path} of the admin API (e.g. {@code /realms/civis/clients}). */
    void create(String path, Object representation) throws IOException, InterruptedException {
        int status = post(path, representation);
        if (status != 201) {
            throw new IllegalStateException("Admin API " + path + " answered " + status);
        }
    }

    /** Like {@link #create}, but what already exists (from another test class of the same run) is fine. */
    void ensure(String path, Object representation) throws IOException, InterruptedException {
        int status = post(path, representation);
        if (status != 201 && status != 409) {
            throw new IllegalStateException("Admin API " + path + " answered " + status);
        }
    }

    /** The status the admin API answers to a POST of {@code representation} under {@code path}. */
    int post(String path, Object representation) throws IOException, InterruptedException {
        return admin("POST", path, representation).statusCode();
    }

    /** What the admin API answers to a GET of {@code path}. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = admin("GET", path, null);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Admin API " + path + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** Replaces what {@code path} of the admin API names with {@code representation}. */
    void put(String path, Object representation) throws IOException, InterruptedException {
        send("PUT", path, representation);
    }

    /** Deletes what {@code path} of the admin API names; what is already gone is fine. */
    void delete(String path) throws IOException, InterruptedException {
        int status = admin("DELETE", path, null).statusCode();
        if (status != 204 && status != 404) {
            throw new IllegalStateException("Admin API " + path + " answered " + status);
        }
    }

    /** Sends {@code representation} with {@code method} and expects a 2xx answer. */
    void send(String method, String path, Object representation) throws IOException, InterruptedException {
        int status = admin(method, path, representation).statusCode();
        if (status / 100 != 2) {
            throw new IllegalStateException("Admin API " + method + " " + path + " answered " + status);
        }
    }

    private HttpResponse<String> admin(String method, String path, Object representation)
            throws IOException, InterruptedException {
        String admin = token("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", "admin", "password", adminPassword));
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin" + path))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .method(method, representation == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(representation)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The access token the realm's token endpoint returns for these form parameters. */
    String token(String realm, Map<String, String> parameters) throws IOException, InterruptedException {
        return tokens(realm, parameters).get("access_token").asString();
    }

    /** The token endpoint's whole answer (access, refresh and ID tokens) for these form parameters. */
    JsonNode tokens(String realm, Map<String, String> parameters) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters)))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Token endpoint of " + realm + " answered " + response.statusCode() + ": " + body);
        }
        return body;
    }

    /** {@code application/x-www-form-urlencoded}. */
    static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
