package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The other factors Keycloak 26.7 brings, in Chromium: a security key registered on a WebDriver virtual authenticator
 * (CTAP2, built-in, user verification) then used for eidas2; a passkey that logs in without a password, at eidas1 or,
 * because it verified its user, at eidas2; recovery codes printed once then used for eidas2 when the phone is lost.
 */
@ExtendWith(PlatformExtension.class)
class PasskeyAndRecoveryCodesIT extends BrowserTest {

    @Test
    void passkeyIsRegisteredThenGivesEidas2(Platform platform) throws Exception {
        VirtualAuthenticator securityKey = browser.addVirtualAuthenticator(platformAuthenticator());
        String username = user(platform, "cle.acces", "webauthn-register");
        LoginFlow login = new LoginFlow(platform, browser);

        assertThat(passwordThenNewKey(login, username, "Clé de test").get("acr").asString()).isEqualTo("eidas1");
        assertThat(securityKey.getCredentials()).hasSize(1);

        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        login.visible("authenticateWebAuthnButton");
        Accessibility.assertNoSeriousViolation(browser);
        login.press("authenticateWebAuthnButton");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("acr").asString()).isEqualTo("eidas2");
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void passkeyLogsInWithoutPasswordAndCountsAsTwoFactors(Platform platform) throws Exception {
        String username = "cle.acces.seule";
        LoginFlow login = passkeyHolder(platform, username, "Téléphone de test");
        assertThat(authenticator.getCredentials()).singleElement()
                .satisfies(credential -> assertThat(credential.isResidentCredential()).isTrue());

        // No password typed: the passkey alone is eidas1 when nothing more is asked...
        login.forgetSession();
        login.start(null);
        signInWithPasskey();
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("acr").asString()).isEqualTo("eidas1");
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);

        // ...and eidas2 when the client asks for it, with no second step: the authenticator checked its user.
        login.forgetSession();
        int signatures = signatures(authenticator);
        login.start("eidas2");
        signInWithPasskey();
        claims = login.tokenClaims();
        assertThat(claims.get("acr").asString()).isEqualTo("eidas2");
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
        assertThat(signatures(authenticator)).as("passkey used once, not again as a second factor").isEqualTo(signatures + 1);
    }

    @Test
    void passkeyThatDoesNotVerifyItsUserLogsNobodyIn(Platform platform) throws Exception {
        String username = "cle.acces.non.verifiee";
        LoginFlow login = passkeyHolder(platform, username, "Clé prêtée");

        // The key is touched but checks no PIN nor fingerprint: the realm requires that check, so no login.
        authenticator.setUserVerified(false);
        login.forgetSession();
        login.start("eidas2");
        login.visible("authenticateWebAuthnButton");
        Accessibility.assertNoSeriousViolation(browser);
        login.press("authenticateWebAuthnButton");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".kc-feedback-text")));
        assertThat(browser.getCurrentUrl()).doesNotContain("/it-callback");
        login.visible("kc-form-login");
    }

    @Test
    void passkeyIsOneFactorWhenThePolicyDoesNotRequireVerification(Platform platform) throws Exception {
        String username = "cle.acces.politique";
        LoginFlow login = passkeyHolder(platform, username, "Clé de la politique");

        // A city that relaxes the policy to "preferred" can no longer know that the key checked its user: the
        // passkey is then one factor, and eidas2 asks for a second one.
        KeycloakClient keycloak = new KeycloakClient(platform);
        userVerification(keycloak, "preferred");
        try {
            login.forgetSession();
            int signatures = signatures(authenticator);
            login.start("eidas2");
            // The login page's passkey (autofill, or the button where the autofill does not answer)...
            wait.until(driver -> signatures(authenticator) > signatures
                    || !driver.findElements(By.cssSelector("#kc-form-login")).isEmpty()
                            && driver.findElement(By.id("authenticateWebAuthnButton")).isDisplayed());
            if (signatures(authenticator) == signatures) {
                browser.findElement(By.id("authenticateWebAuthnButton")).click();
            }
            // ...then a second page, without the login form, asks for a second factor.
            wait.until(driver -> driver.findElements(By.id("kc-form-login")).isEmpty()
                    && !driver.findElements(By.id("authenticateWebAuthnButton")).isEmpty());
            assertThat(signatures(authenticator)).isEqualTo(signatures + 1);
            assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer()).doesNotContain("/it-callback");
            login.press("authenticateWebAuthnButton");
            assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
            assertThat(signatures(authenticator)).isEqualTo(signatures + 2);
        } finally {
            userVerification(keycloak, "required");
        }
    }

    private static void userVerification(KeycloakClient keycloak, String requirement) throws Exception {
        ObjectNode realm = (ObjectNode) keycloak.get("/realms/civis");
        realm.put("webAuthnPolicyPasswordlessUserVerificationRequirement", requirement);
        keycloak.put("/realms/civis", realm);
    }

    @Test
    void agentWithPasskeyIsNotAskedForAnotherFactor(Platform platform) throws Exception {
        String username = "agent.cle.acces";
        LoginFlow login = passkeyHolder(platform, username, "Clé du service");
        StaffPolicyIT.grantAgentRole(platform, username);

        // Staff always use two factors: a passkey that verified its user already is two.
        login.forgetSession();
        int signatures = signatures(authenticator);
        login.start(null);
        signInWithPasskey();
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
        assertThat(signatures(authenticator)).as("passkey used once, not again as the staff factor").isEqualTo(signatures + 1);
        assertThat(claims.get("realm_access").get("roles").toString()).contains("\"agent\"");
    }

    /**
     * On the login page, without typing anything: Chromium's virtual authenticator answers the page's autofill
     * (conditional) passkey request at once, as a person picking their passkey among the username field's suggestions
     * would; where it does not, the "sign in with a passkey" button does the same.
     */
    private void signInWithPasskey() {
        wait.until(ExpectedConditions.or(ExpectedConditions.urlContains("/it-callback?"),
                ExpectedConditions.elementToBeClickable(By.id("authenticateWebAuthnButton"))));
        if (!browser.getCurrentUrl().contains("/it-callback?")) {
            browser.findElement(By.id("authenticateWebAuthnButton")).click();
        }
    }

    /** How many assertions the authenticator's one credential has signed. */
    private static int signatures(VirtualAuthenticator authenticator) {
        return authenticator.getCredentials().getFirst().getSignCount();
    }

    /** This test's authenticator, once {@link #passkeyHolder} added it to the browser. */
    private VirtualAuthenticator authenticator;

    /** A new account that registers a passkey on this browser's platform authenticator at its first login. */
    private LoginFlow passkeyHolder(Platform platform, String username, String label) throws Exception {
        authenticator = browser.addVirtualAuthenticator(platformAuthenticator());
        user(platform, username, "webauthn-register-passwordless");
        LoginFlow login = new LoginFlow(platform, browser);
        passwordThenNewKey(login, username, label);
        return login;
    }

    /**
     * A password login that meets the key registration (the account's required action), names the key {@code label}
     * in the prompt Keycloak opens, and ends with a token: its claims.
     */
    private JsonNode passwordThenNewKey(LoginFlow login, String username, String label) throws Exception {
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("registerWebAuthn");
        Accessibility.assertNoSeriousViolation(browser);
        login.press("registerWebAuthn");
        Alert name = wait.until(ExpectedConditions.alertIsPresent());
        name.sendKeys(label);
        name.accept();
        return login.tokenClaims();
    }

    /** A platform authenticator (like a phone's or a laptop's) that verifies its user. */
    static VirtualAuthenticatorOptions platformAuthenticator() {
        return new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true);
    }

    @Test
    void recoveryCodeGivesEidas2OnceEach(Platform platform) throws Exception {
        String username = user(platform, "codes.recuperation", "CONFIGURE_RECOVERY_AUTHN_CODES");
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        List<String> codes = login.visible("kc-recovery-codes-list").findElements(By.tagName("li")).stream()
                .map(item -> item.getText().replace("-", "")).toList();
        assertThat(codes).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
        Accessibility.assertNoSeriousViolation(browser);
        login.visible("kcRecoveryCodesConfirmationCheck").click();
        login.press("saveRecoveryAuthnCodesBtn");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");

        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        login.visible("recoveryCodeInput");
        Accessibility.assertNoSeriousViolation(browser);
        WebElement label = browser.findElement(By.cssSelector("label[for='recoveryCodeInput']"));
        Matcher number = Pattern.compile("([0-9]+)").matcher(label.getText());
        assertThat(number.find()).isTrue();
        login.submit("recoveryCodeInput", codes.get(Integer.parseInt(number.group(1)) - 1), "kc-login");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }

    private static String user(Platform platform, String username, String requiredAction) throws Exception {
        new KeycloakClient(platform).create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Facteur", "email", username + "@civis.localhost", "emailVerified", true,
                "requiredActions", List.of(requiredAction),
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        return username;
    }
}
