package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * A citizen opens "Mon coffre", logs in on the Civis login page of the real Keycloak, lands on their papers and finds
 * who they are on the account screen.
 */
@ExtendWith(PlatformExtension.class)
class PortalLoginIT extends BrowserTest {

    @Test
    void citizenLogsInThroughTheCivisThemeAndSeesTheirIdentity(Platform platform) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("city-name"), "Ville de Civis"));
        assertThat(browser.getTitle()).contains("Mon coffre");
        Accessibility.assertNoSeriousViolation(browser);

        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();

        // The login page is Keycloak's, in our theme and in French.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer() + "/protocol/openid-connect/auth");
        assertThat(browser.findElement(By.id("civis-city-name")).getText()).isEqualTo("Ville de Civis");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("fr");
        assertThat(browser.findElement(By.id("kc-login")).getAttribute("value") + browser.findElement(By.id("kc-login")).getText())
                .contains("Se connecter");
        Accessibility.assertNoSeriousViolation(browser);

        browser.findElement(By.id("username")).sendKeys("camille.martin");
        browser.findElement(By.id("password")).sendKeys("coffre-demo-2026");
        browser.findElement(By.id("kc-login")).click();

        // The portal opens on the citizen's papers, at its own address; the identity card is on "Mon compte".
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
        assertThat(browser.getCurrentUrl()).isEqualTo(platform.settings().portalUrl() + "/");
        assertThat(browser.findElement(By.id("me")).isDisplayed()).isFalse();
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("documents-title");
        Accessibility.assertNoSeriousViolation(browser);

        openScreen("account", "account");
        WebElement me = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("me")));
        assertThat(browser.getCurrentUrl()).isEqualTo(platform.settings().portalUrl() + "/#/compte");
        assertThat(browser.getTitle()).startsWith("Mon compte");
        assertThat(me.findElement(By.id("me-username")).getText()).isEqualTo("camille.martin");
        assertThat(me.findElement(By.id("me-sub")).getText()).matches("[0-9a-f-]{36}");
        assertThat(me.findElement(By.id("me-roles")).getAttribute("data-roles")).isEqualTo("citizen");
        assertThat(me.findElement(By.id("me-roles")).getText()).isEqualTo("Habitant");
        assertThat(me.findElement(By.id("me-acr")).getAttribute("data-acr")).isEqualTo("eidas1");
        assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
        Accessibility.assertNoSeriousViolation(browser);
    }

    @Test
    void wrongPasswordIsRefusedInPlainFrench(Platform platform) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));

        browser.findElement(By.id("username")).sendKeys("camille.martin");
        browser.findElement(By.id("password")).sendKeys("pas-le-bon-mot-de-passe");
        browser.findElement(By.id("kc-login")).click();

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-error-username")));
        // The same words whether the account exists or not.
        assertThat(error.getText()).startsWith("Identifiant ou mot de passe incorrect.");
        assertThat(browser.findElements(By.id("me"))).allSatisfy(me -> assertThat(me.isDisplayed()).isFalse());
    }
}
