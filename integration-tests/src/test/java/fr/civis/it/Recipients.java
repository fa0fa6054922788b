package fr.civis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;

/**
 * The services that receive documents (clients of realm {@code civis} marked as recipients), calling the vault as
 * their servers would: with their own client-credentials token.
 */
final class Recipients {

    static final String MAIRIE = "mairie-demo";
    static final String EAU = "partenaire-eau";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Platform platform;
    private final KeycloakClient keycloak;

    Recipients(Platform platform) throws Exception {
        this.platform = platform;
        this.keycloak = new KeycloakClient(platform);
    }

    /** The demo return URI registered for {@code mairie-demo}. */
    String mairieReturnUri() {
        return platform.settings().mairieDemoUrl() + "/callback";
    }

    String token(String clientId) throws Exception {
        String secret = platform.secrets().get(switch (clientId) {
            case MAIRIE -> Secrets.MAIRIE_DEMO_SECRET;
            case EAU -> Secrets.PARTENAIRE_EAU_SECRET;
            default -> throw new IllegalArgumentException(clientId);
        });
        return keycloak.token("civis", Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", secret));
    }

    /** A release request pushed by {@code clientId}: {@code POST /api/v1/release-requests}. */
    HttpResponse<String> push(String clientId, String json) throws Exception {
        return pushWithToken(token(clientId), json);
    }

    HttpResponse<String> pushWithToken(String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(vault("/api/v1/release-requests"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A pushed request's handle, asserting the vault accepted it. */
    String requestUri(String clientId, String json) throws Exception {
        HttpResponse<String> response = push(clientId, json);
        if (response.statusCode() != 201) {
            throw new AssertionError("release request answered " + response.statusCode() + ": " + response.body());
        }
        return VaultApi.json(response).get("requestUri").asString();
    }

    /** The demo request: mairie-demo asks a justificatif de domicile for « Inscription à la crèche », for 30 days. */
    String crecheRequest(String state) throws Exception {
        return requestUri(MAIRIE, request("inscription-creche", "justificatif-domicile", "P30D", mairieReturnUri(), state));
    }

    static String request(String purpose, String type, String duration, String returnUri, String state) {
        return KeycloakClient.JSON.writeValueAsString(Map.of("documentTypes", java.util.List.of(type),
                "purpose", purpose, "duration", duration, "returnUri", returnUri, "state", state));
    }

    HttpResponse<String> get(String token, String path) throws Exception {
        return send(HttpRequest.newBuilder(vault(path)).header("Authorization", "Bearer " + token).GET());
    }

    HttpResponse<byte[]> content(String token, String consentId, String documentId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(vault("/api/v1/releases/" + consentId + "/documents/" + documentId
                        + "/content")).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A citizen's POST with a JSON body (the portal's calls). */
    HttpResponse<String> post(String token, String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(vault(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode json(HttpResponse<String> response) {
        return VaultApi.json(response);
    }

    private URI vault(String path) {
        return URI.create(platform.settings().portalUrl() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
