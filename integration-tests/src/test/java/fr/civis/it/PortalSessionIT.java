package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * A reload is not a logout: while Keycloak's session is open the portal signs back in by itself, on the screen it was
 * on, and never shows « Se connecter » to whoever sits at the computer; « Se déconnecter » ends Keycloak's session,
 * says so, and after that a reload asks for the password again.
 */
@ExtendWith(PlatformExtension.class)
class PortalSessionIT extends BrowserTest {

    @Test
    void aReloadKeepsTheSessionAndSigningOutEndsIt(Platform platform) throws Exception {
        String username = new Citizens(platform).create("session.rechargement");
        signInToPortal(platform, username);
        openScreen("shares", "shares");

        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("shares")));
        assertThat(browser.getCurrentUrl()).isEqualTo(platform.settings().portalUrl() + "/#/partages");
        assertThat(browser.findElement(By.id("welcome")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("logout-button")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("me-username")).getDomProperty("textContent")).isEqualTo(username);

        browser.findElement(By.id("logout-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"),
                "Vous êtes déconnecté·e. Pour rouvrir votre coffre, votre mot de passe vous sera demandé."));
        assertThat(browser.getCurrentUrl()).isEqualTo(platform.settings().portalUrl() + "/");
        assertThat(browser.findElement(By.id("login-button")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("documents")).isDisplayed()).isFalse();
        Accessibility.assertNoSeriousViolation(browser);

        // Keycloak's session is over: a reload stays signed out, and « Se connecter » asks for the password.
        browser.navigate().refresh();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
        assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer() + "/protocol/openid-connect/auth");
    }
}
