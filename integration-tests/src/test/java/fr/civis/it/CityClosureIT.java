package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * A closure decided by the city: only an administrator can decide it; the citizen is told by e-mail (read here from
 * the SMTP catcher), keeps full use of the safe during the notice, and sees the dates.
 */
@ExtendWith(PlatformExtension.class)
class CityClosureIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theCityClosesASafeWithNoticeByEmail(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = "cityclosure.dominique";
        // At eidas2, so that trying to reopen reaches the rule under test rather than the step-up challenge.
        String token = citizens.eidas2Token(username);
        String subject = HttpLogin.claims(token).get("sub").asString();
        VaultApi citizen = new VaultApi(platform.settings().portalUrl(), token);
        String adminToken = citizens.staffToken("cityclosure.admin", "admin");
        VaultApi admin = new VaultApi(platform.settings().portalUrl(), adminToken);
        assertThat(citizen.upload(VaultApi.pdf(5_000), "impots.pdf").statusCode()).isEqualTo(201);

        // Only an administrator decides; an unknown safe is said so.
        assertThat(citizen.post("/api/v1/admin/safes/" + subject + "/closure").statusCode()).isEqualTo(403);
        assertThat(admin.post("/api/v1/admin/safes/00000000-0000-0000-0000-000000000000/closure").statusCode())
                .isEqualTo(404);

        HttpResponse<String> decided = admin.post("/api/v1/admin/safes/" + subject + "/closure");
        assertThat(decided.statusCode()).isEqualTo(202);
        JsonNode status = VaultApi.json(citizen.get("/api/v1/me/safe"));
        assertThat(status.get("status").asString()).isEqualTo("NOTICE");
        Instant from = Instant.parse(status.get("retrievalOnlyFrom").asString());
        Instant until = Instant.parse(status.get("retrievalOnlyUntil").asString());
        assertThat(Duration.between(Instant.now(), from).toDays()).isBetween(89L, 92L);
        assertThat(Duration.between(from, until).toDays()).isBetween(364L, 366L);

        // During the notice, nothing changes for the citizen.
        assertThat(citizen.upload(VaultApi.pdf(5_000), "caf.pdf").statusCode()).isEqualTo(201);

        String mail = awaitMail(platform, username + "@civis.localhost");
        assertThat(mail).contains("Votre coffre-fort numérique fermera le");
        assertThat(mail).contains(platform.settings().portalUrl());

        // The citizen cannot cancel the city's decision; the city can.
        assertThat(VaultApi.json(citizen.post("/api/v1/me/safe/reopen")).get("status").asString()).isEqualTo("NOTICE");
        HttpResponse<String> cancelled = HTTP.send(HttpRequest.newBuilder(URI.create(platform.settings().portalUrl()
                        + "/api/v1/admin/safes/" + subject + "/closure"))
                .header("Authorization", "Bearer " + adminToken).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(VaultApi.json(cancelled).get("status").asString()).isEqualTo("OPEN");
    }

    /** The messages GreenMail holds for that address, as JSON text, once there is one. */
    private static String awaitMail(Platform platform, String address) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        URI inbox = URI.create(platform.settings().mailWebUrl() + "/api/user/" + address + "/messages/INBOX");
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> messages = HTTP.send(HttpRequest.newBuilder(inbox).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (messages.statusCode() == 200 && messages.body().contains("coffre")) {
                return messages.body();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("No notice reached " + address);
    }
}
