package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Release with consent on the real platform, through the vault's API as the portal and the recipients' servers call
 * it: a pushed request, the citizen's consent at eidas2, the service's fetch with its digest, and every way a
 * fetch must be refused (each refusal journaled).
 */
@ExtendWith(PlatformExtension.class)
class ReleaseFlowIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CRECHE = "inscription-creche";
    private static final String DOMICILE = "justificatif-domicile";

    private static Platform platform;
    private static Recipients recipients;
    private static Citizens citizens;

    @BeforeAll
    static void setUp(Platform running) throws Exception {
        platform = running;
        recipients = new Recipients(platform);
        citizens = new Citizens(platform);
    }

    /** A citizen at eidas2 with one justificatif de domicile and one avis d'imposition. */
    private record Holder(VaultApi api, String justificatif, String avis, byte[] justificatifBytes) {

        static Holder create(String username) throws Exception {
            VaultApi api = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token(username));
            byte[] bytes = VaultApi.pdf(100_000);
            String justificatif = id(api.upload(bytes, "facture.pdf",
                    Map.of("type", DOMICILE, "title", "Facture EDF"), null));
            String avis = id(api.upload(VaultApi.pdf(20_000), "avis.pdf",
                    Map.of("type", "avis-imposition", "title", "Avis 2026"), null));
            return new Holder(api, justificatif, avis, bytes);
        }

        private static String id(HttpResponse<String> upload) {
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            return VaultApi.json(upload).get("id").asString();
        }

        /** Consents through a request pushed by mairie-demo; returns the consent id. */
        String consent(String duration, String... documentIds) throws Exception {
            String requestUri = recipients.requestUri(Recipients.MAIRIE,
                    Recipients.request(CRECHE, DOMICILE, duration, recipients.mairieReturnUri(), "etat-123"));
            HttpResponse<String> consent = recipients.post(api.token(), "/api/v1/release-requests/"
                    + encode(requestUri) + "/consent", documents(documentIds));
            assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
            return Recipients.json(consent).get("consentId").asString();
        }
    }

    @Test
    void aServiceFetchesWhatTheCitizenReleasedWithItsDigestAndTheAccessIsJournaled() throws Exception {
        Holder camille = Holder.create("release.camille");
        String requestUri = recipients.requestUri(Recipients.MAIRIE,
                Recipients.request(CRECHE, DOMICILE, "P30D", recipients.mairieReturnUri(), "etat-42"));
        assertThat(requestUri).startsWith("urn:civis:release-request:");

        // What the portal shows the citizen.
        JsonNode shown = Recipients.json(recipients.get(camille.api().token(), "/api/v1/release-requests/" + encode(requestUri)));
        assertThat(shown.at("/recipient/clientId").asString()).isEqualTo(Recipients.MAIRIE);
        assertThat(shown.at("/purpose/code").asString()).isEqualTo(CRECHE);

        HttpResponse<String> consent = recipients.post(camille.api().token(),
                "/api/v1/release-requests/" + encode(requestUri) + "/consent", documents(camille.justificatif()));
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
        String consentId = Recipients.json(consent).get("consentId").asString();
        URI redirect = URI.create(Recipients.json(consent).get("redirect").asString());
        assertThat(redirect.toString()).startsWith(recipients.mairieReturnUri() + "?");
        assertThat(redirect.getQuery()).contains("consent_id=" + consentId).contains("state=etat-42");

        // The handle was single use.
        assertThat(recipients.post(camille.api().token(), "/api/v1/release-requests/" + encode(requestUri) + "/consent",
                documents(camille.justificatif())).statusCode()).isIn(400, 404, 410);

        String mairie = recipients.token(Recipients.MAIRIE);
        JsonNode release = Recipients.json(recipients.get(mairie, "/api/v1/releases/" + consentId));
        assertThat(release.at("/documents/0/id").asString()).isEqualTo(camille.justificatif());
        assertThat(release.get("subject").asString()).as("pairwise, never the citizen's sub")
                .isNotEqualTo(HttpLogin.claims(camille.api().token()).get("sub").asString());

        HttpResponse<byte[]> fetched = recipients.content(mairie, consentId, camille.justificatif());
        assertThat(fetched.statusCode()).as(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(camille.justificatifBytes());
        String digest = "sha-256=:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(camille.justificatifBytes())) + ":";
        assertThat(fetched.headers().firstValue("Repr-Digest")).hasValue(digest);

        // The citizen sees the access, with the same digest.
        JsonNode accesses = Recipients.json(camille.api().get("/api/v1/documents/" + camille.justificatif() + "/accesses"));
        assertThat(accesses.toString()).contains(Recipients.MAIRIE).contains(digest.substring("sha-256=:".length(), 20));

        // The receipt verifies with the published keys; a modified one does not.
        HttpResponse<String> receipt = camille.api().get("/api/v1/me/consents/" + consentId + "/receipt");
        assertThat(receipt.statusCode()).isEqualTo(200);
        JWSObject jws = JWSObject.parse(receipt.body().strip());
        JWKSet keys = JWKSet.parse(HTTP.send(HttpRequest.newBuilder(URI.create(platform.settings().consentUrl()
                + "/.well-known/jwks.json")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        ECKey key = (ECKey) keys.getKeyByKeyId(jws.getHeader().getKeyID());
        assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
        String[] parts = receipt.body().strip().split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                jws.getPayload().toString().replace(CRECHE, "autre-finalite").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(JWSObject.parse(forged).verify(new ECDSAVerifier(key))).isFalse();

        // The citizen's export carries the consent, its receipt and the access history.
        Map<String, String> export = unzip(camille.api().getBytes("/api/v1/me/export").body());
        assertThat(export).doesNotContainKey("consentements/INDISPONIBLE.txt");
        assertThat(export.get("consentements/consentements.json")).contains(consentId).contains(CRECHE);
        assertThat(export.get("consentements/recus/" + consentId + ".jws")).isEqualTo(receipt.body().strip());
        JsonNode history = KeycloakClient.JSON.readTree(export.get("consentements/acces.json"));
        List<String> accessed = new ArrayList<>();
        history.forEach(entry -> {
            if ("access".equals(entry.get("kind").asString())) {
                accessed.add(entry.get("documentId").asString());
            }
        });
        assertThat(accessed).containsExactly(camille.justificatif());
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> entries = new HashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().startsWith("consentements/")) {
                    entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
                }
            }
        }
        return entries;
    }

    @Test
    void everyFetchOutsideTheConsentIsRefusedAndJournaledAsADenial() throws Exception {
        Holder dominique = Holder.create("release.dominique");
        Holder other = Holder.create("release.autre");
        String consentId = dominique.consent("P30D", dominique.justificatif());
        String othersConsent = other.consent("P30D", other.justificatif());
        String mairie = recipients.token(Recipients.MAIRIE);

        // Another client using the consent.
        assertThat(recipients.content(recipients.token(Recipients.EAU), consentId, dominique.justificatif()).statusCode())
                .isEqualTo(403);
        // A citizen's own token on the service endpoint.
        assertThat(recipients.content(dominique.api().token(), consentId, dominique.justificatif()).statusCode())
                .isEqualTo(403);
        // A document outside the consent.
        assertThat(recipients.content(mairie, consentId, dominique.avis()).statusCode()).isEqualTo(403);
        // A consent of another citizen.
        assertThat(recipients.content(mairie, othersConsent, dominique.justificatif()).statusCode()).isEqualTo(403);
        // A service's token on a citizen's endpoints.
        assertThat(recipients.get(mairie, "/api/v1/documents").statusCode()).isEqualTo(403);
        assertThat(recipients.get(mairie, "/api/v1/me/consents").statusCode()).isEqualTo(403);

        // Revoked: effective on the next fetch.
        assertThat(recipients.content(mairie, consentId, dominique.justificatif()).statusCode()).isEqualTo(200);
        assertThat(recipients.post(dominique.api().token(), "/api/v1/me/consents/" + consentId + "/revocation", "{}")
                .statusCode()).isEqualTo(204);
        assertThat(recipients.content(mairie, consentId, dominique.justificatif()).statusCode()).isEqualTo(403);

        JsonNode accesses = Recipients.json(dominique.api().get("/api/v1/documents/" + dominique.justificatif() + "/accesses"));
        assertThat(accesses.toString()).contains("\"kind\":\"denial\"").contains("consent-revoked")
                .contains("consent-recipient-mismatch");
    }

    @Test
    void deletingTheDocumentEndsItsRelease() throws Exception {
        Holder sacha = Holder.create("release.sacha");
        String consentId = sacha.consent("P30D", sacha.justificatif());
        String mairie = recipients.token(Recipients.MAIRIE);
        assertThat(recipients.content(mairie, consentId, sacha.justificatif()).statusCode()).isEqualTo(200);

        sacha.api().delete("/api/v1/documents/" + sacha.justificatif(), 204);
        assertThat(recipients.content(mairie, consentId, sacha.justificatif()).statusCode()).isIn(403, 404);
        // The ending reaches consent-service through the vault's outbox, at once or at its next run.
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode ended;
        do {
            Thread.sleep(500);
            ended = Recipients.json(sacha.api().get("/api/v1/me/consents/" + consentId));
        } while (!"revoked".equals(ended.get("status").asString()) && System.nanoTime() < deadline);
        assertThat(ended.get("status").asString()).isEqualTo("revoked");
        assertThat(ended.get("revocationReason").asString()).isEqualTo("document-deleted");
    }

    @Test
    void anExpiredConsentServesNothing() throws Exception {
        Holder claude = Holder.create("release.claude");
        String consentId = claude.consent("PT3S", claude.justificatif());
        String mairie = recipients.token(Recipients.MAIRIE);
        assertThat(recipients.content(mairie, consentId, claude.justificatif()).statusCode()).isEqualTo(200);
        Thread.sleep(3_500);
        assertThat(recipients.content(mairie, consentId, claude.justificatif()).statusCode()).isEqualTo(403);
    }

    @Test
    void aPushedRequestOutsideWhatTheRecipientDeclaredIsRefused() throws Exception {
        String returnUri = recipients.mairieReturnUri();
        for (String json : List.of(
                Recipients.request(CRECHE, DOMICILE, "P30D", returnUri + "/", "s"),
                Recipients.request(CRECHE, DOMICILE, "P30D", returnUri + "?next=https://evil.example", "s"),
                Recipients.request(CRECHE, DOMICILE, "P30D", "https://evil.example/callback", "s"),
                Recipients.request("revente-fichiers", DOMICILE, "P30D", returnUri, "s"),
                Recipients.request(CRECHE, "avis-imposition", "P30D", returnUri, "s"),
                Recipients.request(CRECHE, DOMICILE, "P20Y", returnUri, "s"))) {
            HttpResponse<String> refused = recipients.push(Recipients.MAIRIE, json);
            assertThat(refused.statusCode()).as(json).isIn(400, 403);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        }
        // A citizen cannot push a request.
        assertThat(recipients.pushWithToken(citizens.token(citizens.create("release.pousse")),
                Recipients.request(CRECHE, DOMICILE, "P30D", returnUri, "s")).statusCode()).isEqualTo(403);
    }

    @Test
    void aRequestHandleIsBoundToItsClientAndExpires() throws Exception {
        Holder alix = Holder.create("release.alix");
        String requestUri = recipients.requestUri(Recipients.MAIRIE,
                Recipients.request(CRECHE, DOMICILE, "P30D", recipients.mairieReturnUri(), "s"));
        // Presented by another client.
        assertThat(recipients.get(recipients.token(Recipients.EAU), "/api/v1/release-requests/" + encode(requestUri))
                .statusCode()).isEqualTo(403);
        // Expired (moved five minutes back in the vault's database).
        try (Connection vault = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + platform.settings().ports().postgres() + "/vault", "postgres", "");
                Statement statement = vault.createStatement()) {
            statement.executeUpdate("UPDATE release_request SET expires_at = now() - interval '1 second'");
        }
        HttpResponse<String> late = recipients.post(alix.api().token(),
                "/api/v1/release-requests/" + encode(requestUri) + "/consent", documents(alix.justificatif()));
        assertThat(late.statusCode()).isIn(400, 404, 410);
    }

    @Test
    void aReleaseNeedsEidas2AndAnEidas1TokenGetsTheStepUpChallenge() throws Exception {
        String username = citizens.create("release.eidas1");
        String token = new HttpLogin(platform, username, Citizens.PASSWORD).accessToken(null);
        VaultApi api = new VaultApi(platform.settings().portalUrl(), token);
        String id = VaultApi.json(api.upload(VaultApi.pdf(10_000), "facture.pdf",
                Map.of("type", DOMICILE, "title", "Facture"), null)).get("id").asString();
        String requestUri = recipients.requestUri(Recipients.MAIRIE,
                Recipients.request(CRECHE, DOMICILE, "P30D", recipients.mairieReturnUri(), "s"));
        HttpResponse<String> refused = recipients.post(token, "/api/v1/release-requests/" + encode(requestUri) + "/consent",
                documents(id));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("insufficient_user_authentication").contains("acr_values=\"eidas2\"");
    }

    private static String documents(String... ids) {
        return KeycloakClient.JSON.writeValueAsString(Map.of("documentIds", List.of(ids)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
