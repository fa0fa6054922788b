package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;

/**
 * The realm's recipients (docs/release-api.md, "Recipients"): {@code mairie-demo} and {@code partenaire-eau} are
 * declared with their purposes, their client-credentials tokens are for the vault, and they see citizens under a
 * pairwise subject. The demo app {@code mairie-demo} runs and logs a citizen in on the portal's Keycloak session.
 */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecipientsIT {

    private static final String CITIZEN = "destinataires.citoyen";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private Platform platform;
    private KeycloakClient keycloak;

    @BeforeAll
    void citizen(Platform platform) throws Exception {
        this.platform = platform;
        this.keycloak = new KeycloakClient(platform);
        keycloak.ensure("/realms/civis/users", Map.of("username", CITIZEN, "enabled", true,
                "firstName", "Dominique", "lastName", "Test", "email", CITIZEN + "@civis.localhost",
                "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
    }

    @Test
    void bothRecipientsDeclareTheirPurposesAndReturnAddresses() throws Exception {
        JsonNode mairie = client("mairie-demo");
        JsonNode declared = recipient(mairie);
        assertThat(declared.get("kind").asString()).isEqualTo("municipal");
        assertThat(declared.get("pairwise").asBoolean()).isTrue();
        assertThat(declared.get("dpoContact").asString()).contains("@");
        JsonNode creche = purpose(declared, "inscription-creche");
        assertThat(creche.get("label").asString()).isEqualTo("Inscription à la crèche");
        assertThat(creche.get("legalBasis").asString()).isEqualTo("public-task");
        assertThat(texts(creche.get("documentTypes"))).containsExactly("justificatif-domicile");
        assertThat(creche.get("maxDuration").asString()).isEqualTo("P90D");
        assertThat(texts(mairie.get("redirectUris"))).containsExactlyInAnyOrder(
                platform.settings().mairieDemoUrl() + "/callback",
                platform.settings().mairieDemoUrl() + "/login/oauth2/code/civis");

        JsonNode eau = client("partenaire-eau");
        JsonNode partner = recipient(eau);
        assertThat(partner.get("kind").asString()).isEqualTo("partner");
        assertThat(texts(purpose(partner, "ouverture-abonnement").get("documentTypes")))
                .contains("justificatif-domicile", "piece-identite");
        assertThat(eau.get("standardFlowEnabled").asBoolean()).isFalse();
        assertThat(eau.get("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(texts(eau.get("redirectUris"))).hasSize(1);

        for (JsonNode client : List.of(mairie, eau)) {
            for (JsonNode purpose : recipient(client).get("purposes")) {
                assertThat(purpose.get("legalBasis").asString()).isIn("consent", "legal-obligation", "public-task");
                assertThat(texts(purpose.get("documentTypes"))).isNotEmpty().allMatch(type -> type.matches("[a-z-]+"));
                assertThat(purpose.get("maxDuration").asString()).matches("P[0-9]+D");
            }
        }
    }

    @Test
    void recipientsHaveAPairwiseSubjectMapperWithTheirOwnSalt() throws Exception {
        List<String> salts = new ArrayList<>();
        for (String clientId : List.of("mairie-demo", "partenaire-eau")) {
            JsonNode mapper = null;
            for (JsonNode candidate : client(clientId).get("protocolMappers")) {
                if (candidate.get("protocolMapper").asString().equals("oidc-sha256-pairwise-sub-mapper")) {
                    mapper = candidate;
                }
            }
            assertThat(mapper).as("pairwise mapper of " + clientId).isNotNull();
            String salt = mapper.get("config").get("pairwiseSubAlgorithmSalt").asString();
            assertThat(salt).as("salt drawn by the launcher").hasSizeGreaterThanOrEqualTo(32).doesNotContain("${");
            salts.add(salt);
        }
        assertThat(salts.get(0)).isNotEqualTo(salts.get(1));
    }

    @Test
    void recipientsClientCredentialsTokensAreForTheVault() throws Exception {
        for (var recipient : Map.of("partenaire-eau", Secrets.PARTENAIRE_EAU_SECRET,
                "mairie-demo", Secrets.MAIRIE_DEMO_SECRET).entrySet()) {
            JsonNode claims = HttpLogin.claims(keycloak.token("civis", Map.of("grant_type", "client_credentials",
                    "client_id", recipient.getKey(), "client_secret", platform.secrets().get(recipient.getValue()))));

            assertThat(audiences(claims)).as(recipient.getKey()).contains("civis-vault").doesNotContain("civis-consent");
            assertThat(claims.get("azp").asString()).isEqualTo(recipient.getKey());
        }
    }

    @Test
    void theVaultsServiceTokensAreForTheConsentService() throws Exception {
        JsonNode claims = HttpLogin.claims(keycloak.token("civis", Map.of("grant_type", "client_credentials",
                "client_id", "civis-vault", "client_secret", platform.secrets().get(Secrets.VAULT_CLIENT_SECRET))));

        assertThat(audiences(claims)).contains("civis-consent");
    }

    /**
     * The citizen logs in to the portal, then to mairie-demo: Keycloak shows no page the second time (SSO), and the
     * app sees a subject of its own, not the citizen's; its login token is not a key to the vault.
     */
    @Test
    void mairieDemoSeesAPairwiseSubjectOnThePortalsSession() throws Exception {
        HttpLogin browser = new HttpLogin(platform, CITIZEN, Citizens.PASSWORD);
        String citizenSub = HttpLogin.claims(browser.accessToken(null)).get("sub").asString();

        String redirectUri = platform.settings().mairieDemoUrl() + "/login/oauth2/code/civis";
        String verifier = OAuthValues.random();
        String state = OAuthValues.random();
        HttpLogin.Authorization back = browser.authorize(URI.create(platform.settings().issuer()
                + "/protocol/openid-connect/auth?" + KeycloakClient.form(Map.of("response_type", "code",
                "client_id", "mairie-demo", "redirect_uri", redirectUri, "scope", "openid", "state", state,
                "nonce", OAuthValues.random(), "code_challenge", OAuthValues.s256Challenge(verifier),
                "code_challenge_method", "S256"))), redirectUri);
        assertThat(back.pages()).as("login pages shown to an already logged-in citizen").isZero();
        Map<String, String> callback = HttpLogin.query(URI.create(back.location()).getRawQuery());
        assertThat(callback).containsEntry("state", state).containsKey("code");

        HttpResponse<String> tokens = HTTP.send(HttpRequest.newBuilder(
                        URI.create(platform.settings().issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("mairie-demo:"
                        + platform.secrets().get(Secrets.MAIRIE_DEMO_SECRET)).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakClient.form(Map.of("grant_type", "authorization_code",
                        "code", callback.get("code"), "redirect_uri", redirectUri, "code_verifier", verifier))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode body = KeycloakClient.JSON.readTree(tokens.body());
        JsonNode idToken = HttpLogin.claims(body.get("id_token").asString());
        JsonNode accessToken = HttpLogin.claims(body.get("access_token").asString());

        assertThat(idToken.get("sub").asString()).isNotBlank().isNotEqualTo(citizenSub);
        assertThat(accessToken.get("sub").asString()).isEqualTo(idToken.get("sub").asString());
        assertThat(audiences(accessToken)).doesNotContain("civis-vault", "civis-consent");
    }

    /** The real app: its login goes through Keycloak with PKCE and, on the portal's session, asks for no password. */
    @Test
    void theCrecheAppLogsTheCitizenInWithoutASecondPassword() throws Exception {
        HttpLogin browser = new HttpLogin(platform, CITIZEN, Citizens.PASSWORD);
        browser.accessToken(null);
        String app = platform.settings().mairieDemoUrl();
        Map<String, String> appCookies = new LinkedHashMap<>();

        HttpResponse<String> start = get(URI.create(app + "/oauth2/authorization/civis"), appCookies);
        assertThat(start.statusCode()).isEqualTo(302);
        String authorization = start.headers().firstValue("Location").orElseThrow();
        assertThat(authorization).startsWith(platform.settings().issuer() + "/protocol/openid-connect/auth?")
                .contains("client_id=mairie-demo", "code_challenge_method=S256");

        HttpLogin.Authorization back = browser.authorize(URI.create(authorization), app + "/login/oauth2/code/civis");
        assertThat(back.pages()).isZero();
        HttpResponse<String> loggedIn = get(URI.create(back.location()), appCookies);
        assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(302);

        HttpResponse<String> home = get(URI.create(app + "/"), appCookies);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Bonjour <span>Dominique</span>", "Transmettre mon justificatif");
        assertThat(home.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
    }

    private JsonNode client(String clientId) throws Exception {
        JsonNode found = keycloak.get("/realms/civis/clients?clientId=" + clientId);
        assertThat(found).as(clientId).hasSize(1);
        return found.get(0);
    }

    private static JsonNode recipient(JsonNode client) {
        return KeycloakClient.JSON.readTree(client.get("attributes").get("civis.recipient").asString());
    }

    private static JsonNode purpose(JsonNode recipient, String code) {
        for (JsonNode purpose : recipient.get("purposes")) {
            if (purpose.get("code").asString().equals(code)) {
                return purpose;
            }
        }
        throw new AssertionError("no purpose " + code + " in " + recipient);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /** {@code aud} is a string or an array. */
    private static List<String> audiences(JsonNode claims) {
        JsonNode aud = claims.get("aud");
        return aud == null ? List.of() : aud.isArray() ? texts(aud) : List.of(aud.asString());
    }

    /** A GET to the app with its own cookie jar (one host, one path: a name-to-value map is enough). */
    private static HttpResponse<String> get(URI uri, Map<String, String> cookies) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] pair = header.split(";", 2)[0].split("=", 2);
            cookies.put(pair[0].trim(), pair[1].trim());
        }
        return response;
    }
}
