package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Step-up (RFC 9470) on the real platform: a token from a password-only login ({@code eidas1}) cannot export, close
 * or reopen a safe, and gets the challenge that names {@code eidas2}; the same citizen, logging in again through
 * Keycloak with {@code acr_values=eidas2} and a TOTP code, can.
 */
@ExtendWith(PlatformExtension.class)
class StepUpIT {

    private static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
            + "error_description=\"A stronger authentication is required for this action\", acr_values=\"eidas2\"";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aPasswordOnlyTokenIsChallengedOnExportClosingAndReopening(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("stepup.eidas1");
        String token = new HttpLogin(platform, username, Citizens.PASSWORD).accessToken(null);
        assertThat(HttpLogin.claims(token).get("acr").asString()).isEqualTo("eidas1");
        VaultApi citizen = new VaultApi(platform.settings().portalUrl(), token);
        assertThat(citizen.upload(VaultApi.pdf(5_000), "avis.pdf").statusCode()).isEqualTo(201);

        assertChallenged(citizen.get("/api/v1/me/export"));
        assertChallenged(citizen.delete("/api/v1/me/safe", 401));
        assertChallenged(citizen.post("/api/v1/me/safe/reopen"));
        // Nothing happened: the safe is open, its document still there.
        JsonNode safe = VaultApi.json(citizen.get("/api/v1/me/safe"));
        assertThat(safe.get("status").asString()).isEqualTo("OPEN");
        assertThat(safe.get("documents").asLong()).isEqualTo(1);

        HttpResponse<String> english = HTTP.send(HttpRequest.newBuilder(
                        URI.create(platform.settings().portalUrl() + "/api/v1/me/export"))
                .header("Authorization", "Bearer " + token).header("Accept-Language", "en").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(english.statusCode()).isEqualTo(401);
        assertThat(english.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE);
        assertThat(VaultApi.json(english).get("title").asString()).isEqualTo("Identity confirmation needed");
    }

    @Test
    void theSameCitizenSteppedUpWithTotpExportsAndCloses(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        HttpLogin login = citizens.createWithTotp("stepup.eidas2");
        String password = login.accessToken(null);
        assertThat(HttpLogin.claims(password).get("acr").asString()).isEqualTo("eidas1");
        assertChallenged(new VaultApi(platform.settings().portalUrl(), password).get("/api/v1/me/export"));

        // The challenge's acr_values goes to Keycloak as is; the session already knows the password.
        String stepped = login.accessToken("eidas2");
        assertThat(HttpLogin.claims(stepped).get("acr").asString()).isEqualTo("eidas2");
        assertThat(HttpLogin.claims(stepped).get("sub").asString()).isEqualTo(HttpLogin.claims(password).get("sub").asString());
        VaultApi citizen = new VaultApi(platform.settings().portalUrl(), stepped);
        assertThat(citizen.upload(VaultApi.pdf(5_000), "quittance.pdf").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> export = citizen.getBytes("/api/v1/me/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(VaultApi.json(citizen.delete("/api/v1/me/safe", 202)).get("status").asString()).isEqualTo("CLOSING");
        assertThat(VaultApi.json(citizen.post("/api/v1/me/safe/reopen")).get("status").asString()).isEqualTo("OPEN");
    }

    @Test
    void theOpenApiDescriptionSaysWhichActsDemandEidas2(Platform platform) throws Exception {
        JsonNode api = KeycloakClient.JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create(platform.settings().portalUrl() + "/v3/api-docs")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode paths = api.get("paths");
        assertThat(paths.at("/~1api~1v1~1me~1export/get/x-civis-acr").asString()).isEqualTo("eidas2");
        assertThat(paths.at("/~1api~1v1~1me~1safe/delete/x-civis-acr").asString()).isEqualTo("eidas2");
        assertThat(paths.at("/~1api~1v1~1me~1safe~1reopen/post/x-civis-acr").asString()).isEqualTo("eidas2");
        assertThat(paths.at("/~1api~1v1~1me~1export/get/responses/401/description").asString())
                .contains("insufficient-user-authentication");
        assertThat(paths.at("/~1api~1v1~1me~1safe/get/x-civis-acr").isMissingNode()).isTrue();
    }

    private static void assertChallenged(HttpResponse<?> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(CHALLENGE);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = KeycloakClient.JSON.readTree(response.body() instanceof byte[] bytes ? new String(bytes,
                java.nio.charset.StandardCharsets.UTF_8) : (String) response.body());
        assertThat(problem.get("code").asString()).isEqualTo("insufficient-user-authentication");
        assertThat(problem.get("type").asString()).isEqualTo("urn:civis:problem:insufficient-user-authentication");
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("title").asString()).isEqualTo("Confirmation de votre identité nécessaire");
        assertThat(problem.get("detail").asString()).contains("second facteur");
    }
}
