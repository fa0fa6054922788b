package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * "Sécurité de mon compte" in the portal: the citizen sees their ways to sign in (read from Keycloak's account API),
 * adds an authenticator app through Keycloak's own page, and removes it, Keycloak asking for its code first.
 */
@ExtendWith(PlatformExtension.class)
class PortalSecurityIT extends BrowserTest {

    @Test
    void citizenAddsThenRemovesAnAuthenticatorAppFromThePortal(Platform platform) throws Exception {
        String username = new Citizens(platform).create("securite.portail");
        signInToPortal(platform, username);

        openScreen("security", "security");
        // The code by e-mail is a factor too, as Keycloak counts it: the address is verified.
        assertThat(factorTypes()).containsExactly("password", "civis-email");
        Accessibility.assertNoSeriousViolation(browser);

        // Adding: Keycloak's authenticator-app page, then back to the portal, which says it is done.
        browser.findElement(By.cssSelector("[data-kc-action='CONFIGURE_TOTP']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mode-manual"))).click();
        Totp app = new Totp(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-totp-secret-key")))
                .getText());
        browser.findElement(By.id("totp")).sendKeys(app.freshCode());
        browser.findElement(By.id("userLabel")).sendKeys("Mon téléphone");
        browser.findElement(By.id("saveTOTPBtn")).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), "C’est fait : votre changement est enregistré."));
        // Back from Keycloak on the screen the citizen had left.
        assertThat(browser.getCurrentUrl()).endsWith("/#/securite");
        assertThat(factorTypes()).containsExactlyInAnyOrder("password", "civis-email", "otp");
        WebElement added = browser.findElement(By.cssSelector("#factors [data-type='otp']"));
        assertThat(added.getText()).contains("Application d’authentification").contains("Mon téléphone");

        // Removing: the session is at eidas1, so Keycloak asks the app's code before the confirmation.
        added.findElement(By.tagName("button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp"))).sendKeys(app.freshCode());
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("kc-accept"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), "C’est fait : votre changement est enregistré."));
        assertThat(factorTypes()).containsExactly("password", "civis-email");
    }

    /** The credential types the section lists, once it is shown. */
    private List<String> factorTypes() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("factors")));
        return browser.findElements(By.cssSelector("#factors > li")).stream()
                .map(item -> item.getDomAttribute("data-type")).toList();
    }
}
