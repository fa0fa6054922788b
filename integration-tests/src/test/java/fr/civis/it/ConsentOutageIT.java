package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;

/**
 * No journal, no release: with consent-service stopped, a service's fetch gets 503 and no byte, while the citizen's
 * own download still works; every document a service received has its access entry in the journal.
 */
@ExtendWith(PlatformExtension.class)
class ConsentOutageIT {

    private static final String CONSENT_SERVICE = "consent-service";

    @Test
    void withConsentServiceStoppedServicesGet503AndCitizensStillReadTheirOwnPapers(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        Recipients recipients = new Recipients(platform);
        VaultApi citizen = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token("panne.consentement"));
        byte[] content = VaultApi.pdf(40_000);
        String documentId = VaultApi.json(citizen.upload(content, "facture.pdf",
                Map.of("type", "justificatif-domicile", "title", "Facture d'eau"), null)).get("id").asString();
        HttpResponse<String> consent = recipients.post(citizen.token(), "/api/v1/release-requests/"
                + java.net.URLEncoder.encode(recipients.crecheRequest("panne"), java.nio.charset.StandardCharsets.UTF_8)
                + "/consent", KeycloakClient.JSON.writeValueAsString(Map.of("documentIds", List.of(documentId))));
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
        String consentId = Recipients.json(consent).get("consentId").asString();
        String mairie = recipients.token(Recipients.MAIRIE);
        assertThat(recipients.content(mairie, consentId, documentId).statusCode()).isEqualTo(200);

        platform.stop(CONSENT_SERVICE);
        try {
            HttpResponse<byte[]> refused = recipients.content(mairie, consentId, documentId);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("consent-service-unavailable").doesNotContain("%PDF");
            assertThat(recipients.get(mairie, "/api/v1/releases/" + consentId).statusCode()).isEqualTo(503);

            HttpResponse<byte[]> own = citizen.download(documentId);
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(own.body()).isEqualTo(content);
        } finally {
            platform.restart(CONSENT_SERVICE);
        }

        // Ready is not yet warm: on a loaded machine the first calls to a consent-service just started may outlast
        // the vault's 5 s wait and be answered 503. The release's description (checked there, never journaled)
        // shows when it serves again, so that the one journaled fetch below is not the one spent waiting.
        long giveUp = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int described;
        while ((described = recipients.get(mairie, "/api/v1/releases/" + consentId).statusCode()) == 503
                && System.nanoTime() < giveUp) {
            Thread.sleep(1_000);
        }
        assertThat(described).as("the release described once consent-service is back").isEqualTo(200);
        assertThat(recipients.content(mairie, consentId, documentId).statusCode()).isEqualTo(200);
        // Two fetches served, two access entries: none served unrecorded, none recorded for the refused one.
        assertThat(accessEntries(platform, UUID.fromString(documentId))).isEqualTo(2);
    }

    private static long accessEntries(Platform platform, UUID documentId) throws Exception {
        try (Connection consent = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + platform.settings().ports().postgres() + "/consent", "consent",
                platform.secrets().databasePassword("consent"));
                PreparedStatement query = consent.prepareStatement(
                        "SELECT count(*) FROM journal_entry WHERE kind = 'access' AND document_id = ?")) {
            query.setObject(1, documentId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
