package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;

/** A forgotten password is reset by e-mail link, but the second factor is still asked, then and at the next login. */
@ExtendWith(PlatformExtension.class)
class PasswordResetIT extends BrowserTest {

    @Test
    void resetAsksTheSecondFactorAndKeepsIt(Platform platform) throws Exception {
        String username = "reinit.totp";
        String address = username + "@civis.localhost";
        new KeycloakClient(platform).create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Reset", "email", address, "emailVerified", true,
                "requiredActions", List.of("CONFIGURE_TOTP"),
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        LoginFlow login = new LoginFlow(platform, browser);
        Inboxes inboxes = new Inboxes(platform);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.freshCode(), "saveTOTPBtn");
        login.tokenClaims();

        login.forgetSession();
        login.start(null);
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("a[href*='login-actions/reset-credentials']"))).click();
        // In the same French as the other pages: no « Soumettre », no « adresse de courriel ».
        login.visible("kc-reset-password-form");
        assertThat(browser.findElement(By.id("kc-form-buttons")).getText()).isEqualTo("Valider");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("adresse électronique")
                .doesNotContain("Soumettre").doesNotContain("courriel");
        Accessibility.assertNoSeriousViolation(browser);
        login.submit("username", username, "kc-form-buttons");
        String link = Inboxes.awaitCode(() -> inboxes.mailedActionLinks(address), 1);
        browser.get(link);

        // The e-mail alone is not enough: the authenticator app is asked before the new password.
        login.submit("otp", app.freshCode(), "kc-login");
        String newPassword = "une nouvelle phrase de passe";
        login.visible("password-new").sendKeys(newPassword);
        login.visible("password-confirm").sendKeys(newPassword);
        login.press("kc-submit");
        login.tokenClaims();

        // The factor survived the reset: asking eidas2 with the new password still wants the app's code.
        login.forgetSession();
        login.start("eidas2");
        login.password(username, newPassword);
        login.visible("otp");
        login.submit("otp", app.freshCode(), "kc-login");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }
}
