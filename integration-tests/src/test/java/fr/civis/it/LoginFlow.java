package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Browser logins on the civis realm through a test-only confidential client: opens the authorization endpoint in
 * Chromium (optionally with {@code acr_values}), lets the test fill Keycloak's pages, then exchanges the code that
 * lands on the callback for the access token's claims.
 */
final class LoginFlow {

    static final String CLIENT = "it-browser";
    private static final String SECRET = "it-browser-secret-not-for-production";

    private final Platform platform;
    private final KeycloakClient keycloak;
    private final ChromeDriver browser;
    private final WebDriverWait wait;

    private final String clientId;

    LoginFlow(Platform platform, ChromeDriver browser) throws Exception {
        this(platform, browser, CLIENT, Map.of());
    }

    /** Through a client of its own, e.g. one whose browser flow is overridden ({@code authenticationFlowBindingOverrides}). */
    LoginFlow(Platform platform, ChromeDriver browser, String clientId, Map<String, Object> clientSettings)
            throws Exception {
        this.platform = platform;
        this.keycloak = new KeycloakClient(platform);
        this.browser = browser;
        this.clientId = clientId;
        this.wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Map<String, Object> client = new HashMap<>(Map.of("clientId", clientId, "enabled", true, "publicClient", false,
                "secret", SECRET, "standardFlowEnabled", true, "directAccessGrantsEnabled", false,
                "redirectUris", List.of(callback())));
        client.putAll(clientSettings);
        keycloak.ensure("/realms/civis/clients", client);
    }

    /** Keycloak answers 404 there: the browser stops on it and the test reads the code from the address bar. */
    private String callback() {
        return platform.settings().issuer() + "/it-callback";
    }

    /** Opens the authorization endpoint; {@code acrValues} may be null. */
    void start(String acrValues) {
        start(acrValues, "");
    }

    /** With more query parameters, e.g. {@code &kc_action=delete_credential:<id>} (already encoded). */
    void start(String acrValues, String extraQuery) {
        String url = platform.settings().issuer() + "/protocol/openid-connect/auth?client_id=" + clientId
                + "&response_type=code&scope=openid&state=" + UUID.randomUUID() + "&nonce=" + UUID.randomUUID()
                + "&redirect_uri=" + URLEncoder.encode(callback(), StandardCharsets.UTF_8)
                + (acrValues == null ? "" : "&acr_values=" + acrValues) + extraQuery;
        browser.get(url);
    }

    void password(String username, String password) {
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        // After a failed attempt Keycloak shows the username again: type it afresh, not after it.
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
        // The answer may be the same form again (with an error): reading it before it arrives would read the old one.
        wait.until(ExpectedConditions.stalenessOf(form));
    }

    /**
     * Types {@code value} into the field with this id, presses the button with that id and waits for the page that
     * answers: the next page may show the same field again (with an error), and reading it before it arrives would
     * read the old one.
     */
    void submit(String field, String value, String button) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(field)));
        input.clear();
        input.sendKeys(value);
        browser.findElement(By.id(button)).click();
        wait.until(ExpectedConditions.stalenessOf(input));
    }

    /** Presses the button with this id (e.g. "send me a new code"). */
    void press(String button) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(button))).click();
    }

    /** On the page where staff choose their second factor: picks {@code factor} (app, key, sms) and sends it. */
    void chooseStaffFactor(String factor) {
        WebElement form = visible("civis-factor-form");
        press("civis-factor-" + factor);
        press("civis-factor-submit");
        // The next page may be the choice again (with an error): only a new page tells what the answer was.
        wait.until(ExpectedConditions.stalenessOf(form));
    }

    /** The text of the error under the field {@code field}, once the page shows it. */
    String fieldError(String field) {
        return visible("input-error-" + field).getText();
    }

    /** Starts over as a stranger to Keycloak: no session cookie, so a new login in a new authentication session. */
    void forgetSession() {
        browser.manage().deleteAllCookies();
    }

    WebElement visible(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    /** Waits for the callback, exchanges its code and returns the access token's claims. */
    JsonNode tokenClaims() throws Exception {
        wait.until(ExpectedConditions.urlContains("/it-callback?"));
        Map<String, String> query = Arrays.stream(URI.create(browser.getCurrentUrl()).getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
        assertThat(query).containsKey("code");
        String token = keycloak.token("civis", Map.of("grant_type", "authorization_code", "code", query.get("code"),
                "redirect_uri", callback(), "client_id", clientId, "client_secret", SECRET));
        return KeycloakClient.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
