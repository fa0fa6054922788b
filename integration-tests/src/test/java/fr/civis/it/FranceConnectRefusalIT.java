package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * The real Keycloak brokers to {@link MisbehavingProvider} through our FranceConnect SPI (a second instance,
 * registered here through the admin API). Every broken answer is refused with a French page and no account; the
 * well-formed ones, with userinfo encrypted by RSA-OAEP(-256) or ECDH-ES, are accepted. Driven over HTTP with a
 * cookie-keeping client: nobody types anything in these logins.
 */
@ExtendWith(PlatformExtension.class)
class FranceConnectRefusalIT {

    static final String ALIAS = "fc-misbehaving";
    private static final String CLIENT = "fc-refusal-test";
    private static final String CALLBACK = "http://127.0.0.1:9/fc-refusal-test";
    private static final String PROVIDER_CLIENT_ID = "civis-test";
    private static final String PROVIDER_CLIENT_SECRET = OAuthValues.random();
    private static final String REFUSED = "La connexion par FranceConnect a été refusée";
    private static final String LEVEL_TOO_LOW = "Ce service demande une connexion plus sûre";

    private static MisbehavingProvider provider;
    private static KeycloakClient admin;
    private static Platform platform;

    @BeforeAll
    static void registerTheProvider(Platform running) throws Exception {
        platform = running;
        admin = new KeycloakClient(platform);
        provider = new MisbehavingProvider(PROVIDER_CLIENT_ID, PROVIDER_CLIENT_SECRET,
                platform.settings().issuer() + "/protocol/openid-connect/certs");
        admin.delete("/realms/civis/identity-provider/instances/" + ALIAS);
        admin.create("/realms/civis/identity-provider/instances", Map.of("alias", ALIAS, "displayName", "Fournisseur de test",
                "providerId", "franceconnect", "enabled", true, "trustEmail", true,
                "firstBrokerLoginFlowAlias", "civis first broker login",
                "config", Map.of("civisEnvironment", "custom", "civisIssuer", provider.issuer(),
                        "clientId", PROVIDER_CLIENT_ID, "clientSecret", PROVIDER_CLIENT_SECRET,
                        "clientAuthMethod", "client_secret_post", "civisMinimumLevel", "eidas1",
                        "civisUserinfoEncryptionRequired", "true", "syncMode", "IMPORT")));
        admin.ensure("/realms/civis/clients", Map.of("clientId", CLIENT, "publicClient", true, "standardFlowEnabled", true,
                "directAccessGrantsEnabled", false, "redirectUris", List.of(CALLBACK)));
    }

    @AfterAll
    static void removeTheProviderAndScanTheLog() throws Exception {
        admin.delete("/realms/civis/identity-provider/instances/" + ALIAS);
        provider.close();
        FederationLogScan.assertNothingPersonalIn(platform, "Login through identity provider " + ALIAS + " refused");
    }

    @Test
    void asksForTheFranceConnectProfile() throws Exception {
        assertThat(login(b -> { }, "eidas1").accepted()).isTrue();
        Map<String, String> request = provider.lastAuthorizationRequest();
        assertThat(request.get("nonce")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(request.get("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(request.get("acr_values")).isEqualTo("eidas1");
        assertThat(request.get("prompt")).isEqualTo("login");
        assertThat(request.get("claims")).contains("\"amr\"").contains("\"essential\":true");
        assertThat(request.get("scope").split(" ")).contains("openid", "given_name", "family_name", "birthdate", "gender",
                "birthplace", "birthcountry", "email", "preferred_username");
    }

    @Test
    void acceptsUserinfoEncryptedWithRsaOaepRsaOaep256OrEcdhEs() throws Exception {
        for (MisbehavingProvider.Encryption encryption : List.of(MisbehavingProvider.Encryption.RSA_OAEP,
                MisbehavingProvider.Encryption.RSA_OAEP_256, MisbehavingProvider.Encryption.ECDH_ES)) {
            Outcome outcome = login(b -> b.userinfoEncryption = encryption, "eidas1");
            assertThat(outcome.accepted()).as(encryption.name()).isTrue();
            JsonNode users = admin.get("/realms/civis/users?exact=true&email=" + outcome.email());
            assertThat(users).as(encryption.name()).hasSize(1);
            assertThat(users.get(0).get("attributes").get("certifiedBy").get(0).asString()).isEqualTo(ALIAS);
            assertThat(users.get(0).get("attributes").get("certifiedBirthdate").get(0).asString()).isEqualTo("1979-11-30");
        }
        // RS256 is on the allow-list too.
        assertThat(login(b -> b.alg = JWSAlgorithm.RS256, "eidas1").accepted()).isTrue();
    }

    @Test
    void refusesASignatureByAKeyTheProviderDoesNotPublish() throws Exception {
        assertRefused(login(b -> b.rogueSigningKey = true, "eidas1"), REFUSED);
        assertRefused(login(b -> { b.rogueSigningKey = true; b.alg = JWSAlgorithm.RS256; }, "eidas1"), REFUSED);
    }

    @Test
    void refusesAlgorithmsOutsideTheAllowList() throws Exception {
        assertRefused(login(b -> b.alg = JWSAlgorithm.HS256, "eidas1"), REFUSED);
        assertRefused(login(b -> b.alg = JWSAlgorithm.RS384, "eidas1"), REFUSED);
    }

    @Test
    void refusesAReplayedNonce() throws Exception {
        assertThat(login(b -> { }, "eidas1").accepted()).isTrue();
        String previousNonce = provider.lastAuthorizationRequest().get("nonce");
        assertRefused(login(b -> b.replayedNonce = previousNonce, "eidas1"), REFUSED);
    }

    @Test
    void refusesAWrongState() throws Exception {
        assertRefused(login(b -> b.wrongState = true, "eidas1"), null);
    }

    @Test
    void refusesAWrongIssuerOnTheCallback() throws Exception {
        assertRefused(login(b -> b.callbackIss = "http://127.0.0.1:1/not-the-issuer", "eidas1"), REFUSED);
    }

    @Test
    void refusesAnIdTokenForAnotherAudience() throws Exception {
        assertRefused(login(b -> b.audience = "another-client", "eidas1"), REFUSED);
    }

    @Test
    void refusesALevelBelowTheRequestedOne() throws Exception {
        assertRefused(login(b -> b.acr = "eidas1", "eidas2"), LEVEL_TOO_LOW);
        assertRefused(login(b -> b.acr = "eidas-unknown", "eidas1"), LEVEL_TOO_LOW);
        assertThat(provider.lastAuthorizationRequest().get("acr_values")).isEqualTo("eidas1");
    }

    @Test
    void refusesAnExpiredIdToken() throws Exception {
        assertRefused(login(b -> b.expiresInSeconds = -60, "eidas1"), REFUSED);
    }

    @Test
    void refusesUnencryptedUserinfoWhenEncryptionIsRequired() throws Exception {
        assertRefused(login(b -> b.userinfoEncryption = MisbehavingProvider.Encryption.NONE, "eidas1"), REFUSED);
    }

    private static void assertRefused(Outcome outcome, String message) throws Exception {
        assertThat(outcome.accepted()).as("login accepted").isFalse();
        assertThat(outcome.status()).isBetween(400, 599);
        if (message != null) {
            assertThat(outcome.body()).contains(message);
        }
        assertThat(admin.get("/realms/civis/users?exact=true&email=" + outcome.email())).as("account created").isEmpty();
    }

    record Outcome(boolean accepted, int status, String body, String email) {
    }

    /** One login of a fresh identity at the provider, from the civis authorization endpoint to the end. */
    private static Outcome login(Consumer<MisbehavingProvider.Behaviour> misbehave, String acrValues) throws IOException, InterruptedException {
        MisbehavingProvider.Behaviour behaviour = new MisbehavingProvider.Behaviour();
        String id = OAuthValues.random().substring(0, 12).toLowerCase().replace('_', 'x').replace('-', 'y');
        behaviour.subject = "sub-" + id;
        behaviour.email = "lea-" + id + "@fournisseur-test.localhost";
        misbehave.accept(behaviour);
        provider.behave(behaviour);

        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        // Keycloak marks its cookies Secure even on http://localhost, which browsers accept and java.net's
        // CookieManager does not: a minimal jar, sent to Keycloak only.
        Map<String, String> cookies = new LinkedHashMap<>();
        URI keycloak = URI.create(platform.settings().keycloakUrl());
        URI next = URI.create(platform.settings().issuer() + "/protocol/openid-connect/auth?client_id=" + CLIENT
                + "&response_type=code&scope=openid&state=" + OAuthValues.random() + "&acr_values=" + acrValues
                + "&kc_idp_hint=" + ALIAS + "&redirect_uri=" + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8));
        for (int hop = 0; hop < 20; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(next).header("Accept-Language", "fr").GET();
            boolean toKeycloak = next.getHost().equals(keycloak.getHost()) && next.getPort() == keycloak.getPort();
            if (toKeycloak && !cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (toKeycloak) {
                for (String setCookie : response.headers().allValues("Set-Cookie")) {
                    String[] pair = setCookie.split(";", 2)[0].split("=", 2);
                    if (pair.length < 2 || pair[1].isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
                        cookies.remove(pair[0].trim());
                    } else {
                        cookies.put(pair[0].trim(), pair[1]);
                    }
                }
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (response.statusCode() / 100 != 3 || location == null) {
                return new Outcome(false, response.statusCode(), response.body(), behaviour.email);
            }
            next = next.resolve(location);
            if (next.toString().startsWith(CALLBACK)) {
                return new Outcome(next.getRawQuery().contains("code="), response.statusCode(), "", behaviour.email);
            }
        }
        throw new IllegalStateException("Too many redirects");
    }
}
