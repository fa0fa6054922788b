package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Citizens log in with FranceConnect (the simulator realm of the same Keycloak) in Chromium: the account is created
 * with the certified pivot identity, found again on the next login, and the level obtained is the token's acr.
 */
@ExtendWith(PlatformExtension.class)
class FranceConnectLoginIT extends BrowserTest {

    private static final String LEVEL_TEST_CLIENT = "fc-level-test";

    @AfterAll
    static void keycloakLogHoldsNothingPersonal(Platform platform) throws Exception {
        FederationLogScan.assertNothingPersonalIn(platform, "Realm 'franceconnect-sim' imported");
    }

    @Test
    void theLoginPageShowsFranceConnectFirstAccessibly(Platform platform) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        WebElement button = wait.until(ExpectedConditions.elementToBeClickable(By.id("social-franceconnect")));
        assertThat(button.getText()).isEqualTo("S'identifier avec FranceConnect");
        WebElement form = browser.findElement(By.id("kc-form-login"));
        // First: the button comes before the separator, which comes before the password form.
        assertThat(before(button, browser.findElement(By.id("civis-separator")))).isTrue();
        assertThat(before(browser.findElement(By.id("civis-separator")), form)).isTrue();
        assertThat(browser.findElement(By.id("civis-separator")).getText()).isEqualTo("ou");
        WebElement what = browser.findElement(By.id("civis-franceconnect-what"));
        assertThat(what.getAttribute("href")).isEqualTo("https://franceconnect.gouv.fr/");
        assertThat(what.getAttribute("target")).isEqualTo("_blank");
        assertThat(what.getAttribute("rel")).contains("noopener");
        assertThat(what.getText()).startsWith("Qu'est-ce que FranceConnect ?");
        assertThat(what.getAttribute("textContent")).contains("(s'ouvre dans une nouvelle fenêtre)");
        // Our own asset, served by Keycloak, decorative.
        WebElement logo = button.findElement(By.tagName("img"));
        assertThat(logo.getAttribute("src")).startsWith(platform.settings().keycloakUrl() + "/resources/");
        assertThat(logo.getAttribute("alt")).isEmpty();
        // Keyboard: the button is reachable and works with Enter.
        assertThat(button.getTagName()).isEqualTo("a");
        Accessibility.assertNoSeriousViolation(browser);
        button.sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("/realms/franceconnect-sim/"));
    }

    /** True when {@code first} comes before {@code second} in the document (and so in reading and tab order). */
    private boolean before(WebElement first, WebElement second) {
        return (Boolean) browser.executeScript(
                "return (arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;", first, second);
    }

    @Test
    void firstLoginCreatesACertifiedAccountWithoutPasswordAndTheNextLandsInIt(Platform platform) throws Exception {
        KeycloakClient admin = new KeycloakClient(platform);
        String sub = signInWithFranceConnect(platform, "angela.dubois");
        assertThat(browser.findElement(By.id("me-acr")).getAttribute("data-acr")).isEqualTo("eidas1");
        assertThat(browser.findElement(By.id("me-roles")).getAttribute("data-roles")).isEqualTo("citizen");

        JsonNode user = admin.get("/realms/civis/users/" + sub);
        assertThat(user.get("email").asString()).isEqualTo("angela.dubois@fc-simulateur.localhost");
        assertThat(user.get("firstName").asString()).isEqualTo("Angela Claire Louise");
        JsonNode attributes = user.get("attributes");
        assertThat(attribute(attributes, "certifiedGivenNames")).isEqualTo("Angela Claire Louise");
        assertThat(attribute(attributes, "certifiedFamilyName")).isEqualTo("DUBOIS");
        assertThat(attribute(attributes, "certifiedPreferredName")).isEqualTo("DUBOIS");
        assertThat(attribute(attributes, "certifiedBirthdate")).isEqualTo("1962-08-24");
        assertThat(attribute(attributes, "certifiedGender")).isEqualTo("female");
        assertThat(attribute(attributes, "certifiedBirthplace")).isEqualTo("75107");
        assertThat(attribute(attributes, "certifiedBirthcountry")).isEqualTo("99100");
        assertThat(attribute(attributes, "certifiedBy")).isEqualTo("franceconnect");
        assertThat(attribute(attributes, "certifiedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(admin.get("/realms/civis/users/" + sub + "/credentials")).as("no password").isEmpty();
        JsonNode links = admin.get("/realms/civis/users/" + sub + "/federated-identity");
        assertThat(links).hasSize(1);
        assertThat(links.get(0).get("identityProvider").asString()).isEqualTo("franceconnect");
        // The provider's link carries its pseudonymous subject, not a name nor an e-mail.
        assertThat(links.get(0).get("userName").asString()).isEqualTo(links.get(0).get("userId").asString());

        browser.quit();
        browser = Browser.start(downloads);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        assertThat(signInWithFranceConnect(platform, "angela.dubois")).isEqualTo(sub);
        assertThat(admin.get("/realms/civis/users?email=angela.dubois@fc-simulateur.localhost&exact=true")).hasSize(1);
    }

    @Test
    void aPersonBornAbroadHasABirthCountryAndNoBirthplace(Platform platform) throws Exception {
        String sub = signInWithFranceConnect(platform, "karim.benali");
        JsonNode attributes = new KeycloakClient(platform).get("/realms/civis/users/" + sub).get("attributes");
        assertThat(attribute(attributes, "certifiedBirthcountry")).isEqualTo("99350");
        assertThat(attributes.has("certifiedBirthplace")).isFalse();
        assertThat(attribute(attributes, "certifiedFamilyName")).isEqualTo("BENALI");
    }

    @Test
    void anEidas2LoginAtFranceConnectGivesAnEidas2Token(Platform platform) throws Exception {
        String accessToken = tokenThroughFranceConnect(platform, "karim.benali", "eidas2");
        JsonNode me = VaultApi.json(new VaultApi(platform.settings().portalUrl(), accessToken).get("/api/v1/me"));
        assertThat(me.get("acr").asString()).isEqualTo("eidas2");
    }

    @Test
    void anExistingPasswordAccountWithTheSameEmailIsLinkedOnlyAfterReauthentication(Platform platform) throws Exception {
        KeycloakClient admin = new KeycloakClient(platform);
        String camille = admin.get("/realms/civis/users?exact=true&username=camille.martin").get(0).get("id").asString();
        assertThat(admin.get("/realms/civis/users/" + camille + "/federated-identity")).isEmpty();

        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("social-franceconnect"))).click();
        FranceConnectSimulator.logIn(browser, FranceConnectSimulator.issuer(platform), "camille.martin");

        // Same e-mail: Keycloak asks, it does not link.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("linkAccount"))).click();
        assertThat(admin.get("/realms/civis/users/" + camille + "/federated-identity")).isEmpty();
        // Proving control of the account means its password; a wrong one links nothing.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password"))).sendKeys("pas-le-bon-mot-de-passe");
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "incorrect"));
        assertThat(admin.get("/realms/civis/users/" + camille + "/federated-identity")).isEmpty();
        assertThat(admin.get("/realms/civis/users?exact=true&email=camille.martin@civis.localhost")).hasSize(1);

        browser.findElement(By.id("password")).sendKeys("coffre-demo-2026");
        browser.findElement(By.id("kc-login")).click();
        WebElement me = identityCard();
        assertThat(me.findElement(By.id("me-sub")).getText()).isEqualTo(camille);
        JsonNode links = admin.get("/realms/civis/users/" + camille + "/federated-identity");
        assertThat(links).hasSize(1);
        assertThat(links.get(0).get("identityProvider").asString()).isEqualTo("franceconnect");
    }

    @Test
    void theCitizenCannotChangeCertifiedAttributesThroughTheAccountApi(Platform platform) throws Exception {
        String accessToken = tokenThroughFranceConnect(platform, "angela.dubois", "eidas1");
        HttpClient http = HttpClient.newHttpClient();
        URI account = URI.create(platform.settings().issuer() + "/account");
        HttpResponse<String> mine = http.send(HttpRequest.newBuilder(account).header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(mine.statusCode()).isEqualTo(200);
        JsonNode before = KeycloakClient.JSON.readTree(mine.body());
        assertThat(before.get("attributes").get("certifiedBirthdate").get(0).asString()).isEqualTo("1962-08-24");

        String forged = mine.body().replace("1962-08-24", "2001-01-01").replace("\"DUBOIS\"", "\"AUTRE\"");
        HttpResponse<String> change = http.send(HttpRequest.newBuilder(account).header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(forged)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(change.statusCode()).isEqualTo(400);

        JsonNode after = new KeycloakClient(platform).get("/realms/civis/users/" + before.get("id").asString()).get("attributes");
        assertThat(after.get("certifiedBirthdate").get(0).asString()).isEqualTo("1962-08-24");
        assertThat(after.get("certifiedFamilyName").get(0).asString()).isEqualTo("DUBOIS");
    }

    @Test
    void loggingOutOfThePortalEndsTheSimulatorSessionToo(Platform platform) throws Exception {
        KeycloakClient admin = new KeycloakClient(platform);
        String atSimulator = admin.get("/realms/franceconnect-sim/users?exact=true&username=angela.dubois").get(0).get("id").asString();
        String simulatorSessions = "/realms/franceconnect-sim/users/" + atSimulator + "/sessions";
        java.util.Set<String> earlier = sessionIds(admin.get(simulatorSessions));
        String sub = signInWithFranceConnect(platform, "angela.dubois");
        java.util.Set<String> ours = sessionIds(admin.get(simulatorSessions));
        ours.removeAll(earlier);
        assertThat(ours).as("the simulator session of this login").hasSize(1);
        java.util.Set<String> civisSessions = sessionIds(admin.get("/realms/civis/users/" + sub + "/sessions"));

        // The portal redraws itself signed out before it leaves: mark this page to wait for the next one.
        browser.executeScript("window.civisBeforeLogout = true;");
        browser.findElement(By.id("logout-button")).click();
        wait.until(driver -> browser.getCurrentUrl().startsWith(platform.settings().portalUrl() + "/")
                && browser.executeScript("return window.civisBeforeLogout === undefined && document.readyState === 'complete';") == Boolean.TRUE);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button")));
        assertThat(sessionIds(admin.get(simulatorSessions))).doesNotContainAnyElementsOf(ours);
        // Other tests of this class left sessions of the same citizen: exactly this one ended.
        java.util.Set<String> civisAfter = sessionIds(admin.get("/realms/civis/users/" + sub + "/sessions"));
        assertThat(civisSessions).containsAll(civisAfter);
        assertThat(civisSessions).hasSize(civisAfter.size() + 1);
    }

    /**
     * Logs in through FranceConnect with a test client of the civis realm that asks for {@code acr}, in Chromium,
     * and trades the code for tokens: the access token.
     */
    private String tokenThroughFranceConnect(Platform platform, String identity, String acr) throws Exception {
        String callback = platform.settings().issuer() + "/.well-known/openid-configuration";
        new KeycloakClient(platform).ensure("/realms/civis/clients", Map.of("clientId", LEVEL_TEST_CLIENT, "publicClient", true,
                "standardFlowEnabled", true, "directAccessGrantsEnabled", false, "redirectUris", List.of(callback),
                "attributes", Map.of("pkce.code.challenge.method", "S256"),
                "protocolMappers", List.of(Map.of("name", "audience civis-vault", "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper", "config", Map.of("included.client.audience", "civis-vault",
                                "access.token.claim", "true")))));
        String verifier = OAuthValues.random();
        String challenge = OAuthValues.s256Challenge(verifier);
        browser.get(platform.settings().issuer() + "/protocol/openid-connect/auth?client_id=" + LEVEL_TEST_CLIENT
                + "&response_type=code&scope=openid&state=" + OAuthValues.random() + "&nonce=" + OAuthValues.random()
                + "&code_challenge_method=S256&code_challenge=" + challenge
                + "&acr_values=" + acr + "&kc_idp_hint=franceconnect&redirect_uri="
                + URLEncoder.encode(callback, StandardCharsets.UTF_8));
        FranceConnectSimulator.logIn(browser, FranceConnectSimulator.issuer(platform), identity);
        if (!"eidas1".equals(acr)) {
            FranceConnectSimulator.enterOneTimeCode(browser);
        }
        wait.until(driver -> driver.getCurrentUrl().startsWith(callback + "?"));
        String code = query(browser.getCurrentUrl(), "code");

        HttpResponse<String> tokens = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(platform.settings().issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=" + LEVEL_TEST_CLIENT
                        + "&code=" + code + "&code_verifier=" + verifier + "&redirect_uri="
                        + URLEncoder.encode(callback, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).isEqualTo(200);
        return KeycloakClient.JSON.readTree(tokens.body()).get("access_token").asString();
    }

    /** Portal, Keycloak's login page, the FranceConnect button, the simulator, back to the portal: the citizen's sub. */
    private static java.util.Set<String> sessionIds(JsonNode sessions) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        sessions.forEach(session -> ids.add(session.get("id").asString()));
        return ids;
    }

    private static String attribute(JsonNode attributes, String name) {
        JsonNode values = attributes.get(name);
        assertThat(values).as(name).isNotNull();
        assertThat(values).as(name).hasSize(1);
        return values.get(0).asString();
    }

    private static String query(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            if (parts[0].equals(name)) {
                return java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("No " + name + " in the address");
    }

}
