package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * The demonstration municipal app « Inscription à la crèche », in Chromium: accessible, and on the portal's Keycloak
 * session the citizen is logged in without typing a password again.
 */
@ExtendWith(PlatformExtension.class)
class MairieDemoBrowserIT extends BrowserTest {

    @Test
    void theCrecheAppLogsInOnThePortalsSessionAndIsAccessible(Platform platform) throws Exception {
        String citizen = new Citizens(platform).create("creche.navigateur");
        String app = platform.settings().mairieDemoUrl();

        browser.get(app + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText("Se connecter pour commencer")));
        Accessibility.assertNoSeriousViolation(browser);

        signInToPortal(platform, citizen);
        browser.get(app + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Se connecter pour commencer"))).click();

        // Keycloak answers from the session: straight back to the app, no password page on the way.
        wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space()='Transmettre mon justificatif depuis mon coffre']")));
        assertThat(browser.getCurrentUrl()).startsWith(app + "/");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Bonjour Test");
        Accessibility.assertNoSeriousViolation(browser);

        browser.findElement(By.xpath("//button[normalize-space()='Se déconnecter']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText("Se connecter pour commencer")));
        assertThat(browser.getCurrentUrl()).startsWith(app + "/");
    }
}
