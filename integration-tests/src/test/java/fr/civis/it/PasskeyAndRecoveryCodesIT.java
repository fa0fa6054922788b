package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * The other second factors Keycloak 26.7 brings, in Chromium: a passkey registered on a WebDriver virtual
 * authenticator (CTAP2, built-in, user verification) then used for eidas2, and recovery codes printed once then used
 * for eidas2 when the phone is lost.
 */
@ExtendWith(PlatformExtension.class)
class PasskeyAndRecoveryCodesIT extends BrowserTest {

    @Test
    void passkeyIsRegisteredThenGivesEidas2(Platform platform) throws Exception {
        VirtualAuthenticator authenticator = browser.addVirtualAuthenticator(platformAuthenticator());
        String username = user(platform, "cle.acces", "webauthn-register");
        LoginFlow login = new LoginFlow(platform, browser);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.press("registerWebAuthn");
        // Keycloak asks for a name for the key in a prompt.
        Alert name = wait.until(ExpectedConditions.alertIsPresent());
        name.sendKeys("Clé de test");
        name.accept();
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");
        assertThat(authenticator.getCredentials()).hasSize(1);

        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        login.press("authenticateWebAuthnButton");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("acr").asString()).isEqualTo("eidas2");
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
    }

    /** A platform authenticator (like a phone's or a laptop's) that verifies its user. */
    private static VirtualAuthenticatorOptions platformAuthenticator() {
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
        login.visible("kcRecoveryCodesConfirmationCheck").click();
        login.press("saveRecoveryAuthnCodesBtn");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");

        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        WebElement label = browser.findElement(By.cssSelector("label[for='recoveryCodeInput']"));
        login.visible("recoveryCodeInput");
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
