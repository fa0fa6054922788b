package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;

/**
 * consent-service on the real platform: its registry read from Keycloak with its own service account, the pairwise
 * subject it computes equal to the one Keycloak gives the recipient, the vault's check and journal, the receipt
 * verified with the published JWKS, and the database role it runs as unable to rewrite the journal.
 */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentServiceIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RECIPIENT = "it-recipient";
    private static final String CITIZEN = "consent.citoyen";
    private static final String DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";

    private Platform platform;
    private Citizens citizens;
    private KeycloakClient keycloak;

    @BeforeAll
    void recipientAndCitizen(Platform platform) throws Exception {
        this.platform = platform;
        this.citizens = new Citizens(platform);
        this.keycloak = citizens.keycloak();
        String registryEntry = KeycloakClient.JSON.writeValueAsString(Map.of(
                "displayName", "Service de test", "kind", "partner", "dpoContact", "dpo@test.example",
                "pairwise", true, "purposes", List.of(Map.of("code", "test-purpose", "label", "Essai",
                        "legalBasis", "consent", "documentTypes", List.of("justificatif-domicile"),
                        "maxDuration", "P30D"))));
        keycloak.ensure("/realms/civis/clients", Map.of("clientId", RECIPIENT, "enabled", true, "publicClient", false,
                "secret", "it-recipient-secret", "standardFlowEnabled", true, "directAccessGrantsEnabled", true,
                "redirectUris", List.of("http://recipient.localhost:8099/callback"),
                "attributes", Map.of("civis.recipient", registryEntry),
                "protocolMappers", List.of(Map.of("name", "pairwise subject", "protocol", "openid-connect",
                        "protocolMapper", "oidc-sha256-pairwise-sub-mapper",
                        "config", Map.of("sectorIdentifierUri", "", "pairwiseSubAlgorithmSalt", "it-salt-5b1f")))));
        // The vault's service token must name consent-service as audience (docs/release-api.md).
        String vaultId = keycloak.get("/realms/civis/clients?clientId=civis-vault").get(0).get("id").asString();
        keycloak.ensure("/realms/civis/clients/" + vaultId + "/protocol-mappers/models", Map.of(
                "name", "audience civis-consent", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", "civis-consent", "access.token.claim", "true")));
        citizens.create(CITIZEN);
    }

    private String vaultToken() throws Exception {
        return keycloak.token("civis", Map.of("grant_type", "client_credentials", "client_id", "civis-vault",
                "client_secret", platform.secrets().get(Secrets.VAULT_CLIENT_SECRET)));
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.settings().consentUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_consent_gives_the_recipient_keycloaks_pairwise_subject_and_a_receipt_anyone_can_verify() throws Exception {
        String sub = keycloak.get("/realms/civis/users?exact=true&username=" + CITIZEN).get(0).get("id").asString();
        // What Keycloak itself tells the recipient this citizen is.
        String seenByRecipient = HttpLogin.claims(keycloak.token("civis", Map.of("grant_type", "password",
                "client_id", RECIPIENT, "client_secret", "it-recipient-secret", "username", CITIZEN,
                "password", Citizens.PASSWORD, "scope", "openid"))).get("sub").asString();
        assertThat(seenByRecipient).isNotEqualTo(sub);

        UUID document = UUID.randomUUID();
        String body = KeycloakClient.JSON.writeValueAsString(Map.of("subject", sub, "recipient", RECIPIENT,
                "purpose", "test-purpose", "documentTypes", List.of("justificatif-domicile"),
                "documentIds", List.of(document.toString()), "duration", "P7D",
                "collectionMethod", "citizen-initiative"));
        String vault = vaultToken();
        HttpResponse<String> recorded = call("POST", "/api/v1/consents", vault, body);
        // Another test class may have read the registry before the recipient existed: it is read again after 30 s.
        for (int i = 0; i < 40 && recorded.statusCode() == 422; i++) {
            Thread.sleep(1000);
            recorded = call("POST", "/api/v1/consents", vault, body);
        }
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        JsonNode consent = KeycloakClient.JSON.readTree(recorded.body());
        assertThat(consent.get("pairwiseSubject").asString()).isEqualTo(seenByRecipient);
        assertThat(consent.get("subject").asString()).isEqualTo(sub);

        JWKSet jwks = JWKSet.parse(call("GET", "/.well-known/jwks.json", null, null).body());
        JWSObject receipt = JWSObject.parse(consent.get("receipt").asString());
        assertThat(receipt.verify(new ECDSAVerifier((ECKey) jwks.getKeyByKeyId(receipt.getHeader().getKeyID()))))
                .isTrue();

        String id = consent.get("id").asString();
        String check = "{\"consentId\": \"%s\", \"recipient\": \"%s\", \"documentId\": \"%s\", \"digest\": \"%s\"}";
        HttpResponse<String> granted = call("POST", "/api/v1/accesses", vault, check.formatted(id, RECIPIENT, document, DIGEST));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
        assertThat(KeycloakClient.JSON.readTree(granted.body()).get("pairwiseSubject").asString()).isEqualTo(seenByRecipient);
        HttpResponse<String> refused = call("POST", "/api/v1/accesses", vault,
                check.formatted(id, "mairie-demo", document, DIGEST));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("consent-recipient-mismatch");

        // A citizen's token through a client that is not the portal is not a citizen here, nor is it the vault.
        String notThePortal = citizens.token(CITIZEN);
        assertThat(call("GET", "/api/v1/me/consents", notThePortal, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/accesses", notThePortal, check.formatted(id, RECIPIENT, document, DIGEST))
                .statusCode()).isEqualTo(403);
    }

    @Test
    void the_service_database_role_cannot_rewrite_the_journal() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/consent";
        try (Connection connection = DriverManager.getConnection(url, Platform.runtimeRole("consent"),
                platform.secrets().runtimeRolePassword("consent"));
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT count(*) FROM journal_entry");
            for (String sql : List.of("UPDATE journal_entry SET reason = 'x'", "DELETE FROM journal_entry",
                    "TRUNCATE journal_entry", "DELETE FROM signing_key", "DROP TABLE journal_entry")) {
                assertThatThrownBy(() -> statement.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
        }
    }
}
