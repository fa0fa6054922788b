package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Closing a safe: retrieval-only for the grace period (20 s on the test platform, 30 days by default), which the
 * citizen can cancel; then the keys are destroyed and nothing can be read any more.
 */
@ExtendWith(PlatformExtension.class)
class SafeClosureIT {

    @Test
    void aClosingSafeIsRetrievalOnlyCanBeReopenedAndIsDestroyedAtTheEnd(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        // Closing and reopening demand a second factor (eidas2).
        String token = citizens.eidas2Token("closure.camille");
        String subject = HttpLogin.claims(token).get("sub").asString();
        VaultApi camille = new VaultApi(platform.settings().portalUrl(), token);
        byte[] content = VaultApi.pdf(100_000);
        String id = VaultApi.json(camille.upload(content, "livret.pdf")).get("id").asString();

        JsonNode closing = VaultApi.json(camille.delete("/api/v1/me/safe", 202));
        assertThat(closing.get("status").asString()).isEqualTo("CLOSING");
        assertThat(Instant.parse(closing.get("retrievalOnlyUntil").asString())).isAfter(Instant.now());

        // Retrieval only: reading and exporting work, changes are refused.
        assertThat(camille.download(id).body()).isEqualTo(content);
        assertThat(camille.getBytes("/api/v1/me/export").statusCode()).isEqualTo(200);
        assertProblem(camille.upload(VaultApi.pdf(1000), "autre.pdf"), 409, "safe-retrieval-only");
        assertProblem(camille.patch(id, "{\"title\":\"Nouveau titre\"}"), 409, "safe-retrieval-only");
        assertProblem(camille.delete(id), 409, "safe-retrieval-only");

        // The citizen changes their mind.
        JsonNode reopened = VaultApi.json(camille.post("/api/v1/me/safe/reopen"));
        assertThat(reopened.get("status").asString()).isEqualTo("OPEN");
        assertThat(camille.upload(VaultApi.pdf(1000), "autre.pdf").statusCode()).isEqualTo(201);

        // Closed again, for good this time.
        camille.delete("/api/v1/me/safe", 202);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (citizenKeyExists(platform, subject) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(citizenKeyExists(platform, subject)).as("the citizen key is destroyed").isFalse();
        assertThat(camille.download(id).statusCode()).isEqualTo(404);
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
        assertThat(VaultApi.json(camille.get("/api/v1/me/safe")).get("status").asString()).isEqualTo("OPEN");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(VaultApi.json(response).get("code").asString()).isEqualTo(code);
    }

    /** Whether the vault still holds a key for this citizen (their subject in Keycloak's tokens). */
    private static boolean citizenKeyExists(Platform platform, String subject) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/vault";
        try (Connection connection = DriverManager.getConnection(url, "vault", platform.secrets().databasePassword("vault"));
                PreparedStatement query = connection.prepareStatement("SELECT 1 FROM citizen_key WHERE owner = ?")) {
            query.setString(1, subject);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }
}
