package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

/**
 * Agents (like DPO and admins) always log in with two factors: without one, they choose an authenticator app, a
 * security key or a code by SMS (never the e-mail code) and must enrol it before getting a token.
 */
@ExtendWith(PlatformExtension.class)
class StaffPolicyIT extends BrowserTest {

    @Test
    void agentWithoutSecondFactorIsForcedToEnrolOneThenAlwaysAskedForIt(Platform platform) throws Exception {
        String username = agent(platform, "agent.sans.facteur");
        LoginFlow login = new LoginFlow(platform, browser);

        // No acr_values: a citizen would be in with the password alone; the agent must set up a factor first.
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("civis-factor-form");
        assertThat(offeredFactors()).containsExactly("app", "key", "sms");
        Accessibility.assertNoSeriousViolation(browser);
        login.chooseStaffFactor("app");
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.codeAt(Instant.now()), "saveTOTPBtn");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
        assertThat(claims.get("realm_access").get("roles").toString()).contains("\"agent\"");

        // Next login, still without acr_values: the code is asked after the password.
        login.forgetSession();
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("otp");
        assertThat(browser.findElements(By.id("kc-totp-secret-qr-code"))).isEmpty();
        assertThat(browser.findElements(By.id("civis-factor-form"))).isEmpty();
        login.submit("otp", app.codeAt(Instant.now().plusSeconds(30)), "kc-login");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void agentWithoutSmartphoneChoosesSmsThenIsAskedForAnSmsCode(Platform platform) throws Exception {
        String username = agent(platform, "agent.sms");
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("sms");
        login.visible("phone");

        // Leaving the phone page for a new login gives no way in: no session was opened, the password and the
        // choice are asked again.
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("sms");
        login.submit("phone", "06 00 00 00 51", "civis-phone-submit");
        assertThat(login.visible("civis-otp-sent").getText()).contains("+33•••••••51");
        String enrolment = Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000051"), 1);
        login.submit("code", enrolment, "civis-otp-submit");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
        assertThat(credentialTypes(platform, username)).containsExactlyInAnyOrder("password", "civis-sms");

        // Next login: the code by SMS is asked after the password, not the choice.
        login.forgetSession();
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.visible("civis-otp-sent").getText()).contains("SMS").contains("+33•••••••51");
        assertThat(browser.findElements(By.id("civis-factor-form"))).isEmpty();
        String code = Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000051"), 2);
        login.submit("code", code, "civis-otp-submit");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void agentChoosesSecurityKeyThenIsAskedForIt(Platform platform) throws Exception {
        VirtualAuthenticator key = browser.addVirtualAuthenticator(securityKey());
        String username = agent(platform, "agent.cle");
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("key");
        login.press("registerWebAuthn");
        // Keycloak asks for a name for the key in a prompt.
        Alert name = wait.until(ExpectedConditions.alertIsPresent());
        name.sendKeys("Clé de l'agent");
        name.accept();
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
        assertThat(key.getCredentials()).hasSize(1);

        login.forgetSession();
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.press("authenticateWebAuthnButton");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void forgedChoiceIsRefusedAndGivesNoToken(Platform platform) throws Exception {
        String username = agent(platform, "agent.choix.force");
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("civis-factor-form");

        // Nothing chosen.
        WebElement form = login.visible("civis-factor-form");
        login.press("civis-factor-submit");
        wait.until(ExpectedConditions.stalenessOf(form));
        assertThat(login.fieldError("factor")).isEqualTo("Choisissez l'un des moyens proposés.");
        Accessibility.assertNoSeriousViolation(browser);

        // The e-mail code, which staff may not rely on, and required actions the page never offers: the radio's
        // value is altered in the page before it is posted.
        for (String forged : List.of("email", "CONFIGURE_TOTP", "CONFIGURE_RECOVERY_AUTHN_CODES", "APP")) {
            browser.executeScript("document.getElementById('civis-factor-app').value = arguments[0];", forged);
            login.chooseStaffFactor("app");
            assertThat(login.fieldError("factor")).as(forged).isEqualTo("Choisissez l'un des moyens proposés.");
            assertThat(offeredFactors()).containsExactly("app", "key", "sms");
        }
        assertThat(browser.getCurrentUrl()).doesNotContain("/it-callback");
        assertThat(credentialTypes(platform, username)).containsExactly("password");

        // The page still works afterwards, and only the enrolment chosen follows: had a forged value been taken
        // (recovery codes, say), its page would come before the token.
        login.chooseStaffFactor("app");
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.codeAt(Instant.now()), "saveTOTPBtn");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
        assertThat(credentialTypes(platform, username)).containsExactlyInAnyOrder("password", "otp");
    }

    @Test
    void citizenWithoutSecondFactorIsNotAskedForOne(Platform platform) throws Exception {
        String username = OneTimeCodeIT.citizen(platform, "citoyen.sans.facteur");
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");
    }

    /** Picks {@code factor} (app, key or sms) on the choice page and waits for the page that follows. */

    /** The values of the choice page's radio buttons, in page order. */
    private List<String> offeredFactors() {
        return browser.findElements(By.cssSelector("#civis-factor-choice input[type=radio]")).stream()
                .map(radio -> radio.getDomAttribute("value")).toList();
    }

    /** The types of the credentials the account has, oldest first. */
    private static List<String> credentialTypes(Platform platform, String username) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        String id = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        List<String> types = new ArrayList<>();
        keycloak.get("/realms/civis/users/" + id + "/credentials").forEach(c -> types.add(c.get("type").asString()));
        return types;
    }

    /** A roaming USB security key (CTAP2) that verifies its user. */
    static VirtualAuthenticatorOptions securityKey() {
        return new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.USB)
                .setHasResidentKey(false)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true);
    }

    /** A new account with the agent role and no second factor. */
    static String agent(Platform platform, String username) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        keycloak.create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Agent", "email", username + "@civis.localhost", "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        grantAgentRole(platform, username);
        return username;
    }

    static void grantAgentRole(Platform platform, String username) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        String id = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        JsonNode role = keycloak.get("/realms/civis/roles/agent");
        keycloak.send("POST", "/realms/civis/users/" + id + "/role-mappings/realm",
                List.of(Map.of("id", role.get("id").asString(), "name", "agent")));
    }
}
