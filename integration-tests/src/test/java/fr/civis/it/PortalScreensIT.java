package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * The portal's screens, as a citizen finds them: « Mes documents » says what awaits them (a paper about to expire, a
 * service's request), each screen of the menu is reached by keyboard-friendly links with the focus on its heading,
 * and every screen passes axe (WCAG 2.1 AA) and reflows at 320 px, whatever the release endpoints answer.
 */
@ExtendWith(PlatformExtension.class)
class PortalScreensIT extends BrowserTest {

    @Test
    void everyScreenIsReachableAccessibleAndReflows(Platform platform) throws Exception {
        String username = new Citizens(platform).create("ecrans.portail");
        String token = new Citizens(platform).token(username);
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), token);
        assertThat(vault.upload(VaultApi.pdf(20_000), "carte-identite.pdf", Map.of("type", "piece-identite",
                "title", "Carte d’identité", "validUntil", LocalDate.now().plusDays(10).toString()), null)
                .statusCode()).isEqualTo(201);

        signInToPortal(platform, username);

        // On a phone: the papers and what awaits come first; the form to add one is folded behind its button.
        Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(375, 812));
        try {
            wait.until(driver -> ((Number) browser.executeScript("return document.documentElement.clientWidth;"))
                    .intValue() <= 375);
            WebElement first = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#document-list .document")));
            assertThat(browser.findElement(By.id("upload-card")).isDisplayed()).isFalse();
            // It starts within the first screen of a 375 x 812 px phone (it was about 1,500 px down, under the form).
            Number top = (Number) browser.executeScript(
                    "return arguments[0].getBoundingClientRect().top + window.scrollY;", first);
            assertThat(top.doubleValue()).as("distance from the page's top to the first paper at 375 px").isLessThan(812);
            assertThat((Boolean) browser.executeScript("return document.documentElement.scrollWidth"
                    + " <= document.documentElement.clientWidth;")).as("no sideways scrolling at 375 px").isTrue();
        } finally {
            browser.manage().window().setSize(desktop);
        }

        // « À faire »: the identity card ends soon.
        WebElement todo = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("todo")));
        assertThat(todo.getText()).contains("Carte d’identité").contains("ne sera plus valable");
        Accessibility.assertNoSeriousViolation(browser);

        // « Qui a consulté ce document », from the document itself; back with the browser's button.
        WebElement document = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#document-list .document")));
        String id = document.getDomAttribute("data-document-id");
        document.findElement(By.className("document-accesses")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("accesses")));
        assertThat(browser.getCurrentUrl()).endsWith("/#/documents/" + id + "/consultations");
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("accesses-title");
        wait.until(driver -> !driver.findElement(By.id("accesses-status")).getText().equals("Chargement…"));
        Accessibility.assertNoSeriousViolation(browser);
        browser.navigate().back();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));

        openScreen("shares", "shares");
        wait.until(driver -> !driver.findElement(By.id("shares-status")).getText().startsWith("Chargement"));
        Accessibility.assertNoSeriousViolation(browser);

        browser.findElement(By.id("share-new-link")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("share")));
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("share-title");
        wait.until(driver -> !driver.findElement(By.id("share-status")).getText().startsWith("Chargement"));
        Accessibility.assertNoSeriousViolation(browser);

        openScreen("account", "account");
        assertThat(browser.findElement(By.id("me-username")).getText()).isEqualTo(username);
        Accessibility.assertNoSeriousViolation(browser);

        openScreen("security", "security");
        Accessibility.assertNoSeriousViolation(browser);
        assertThat(browser.getTitle()).startsWith("Sécurité de mon compte");
    }

    @Test
    void aServicesRequestHandleSurvivesTheLoginAndLeavesTheAddressBar(Platform platform) throws Exception {
        String username = new Citizens(platform).create("demande.portail");
        String handle = "urn:civis:release-request:" + "A".repeat(43);

        browser.get(platform.settings().portalUrl() + "/?request_uri=" + handle);
        // Straight to the login page: the request is answered once signed in.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("release")));
        assertThat(browser.getCurrentUrl()).isEqualTo(platform.settings().portalUrl() + "/#/demande");
        // This handle was never issued: the citizen is told, in plain words, and nothing is sent anywhere.
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("release-error")));
        assertThat(error.getText()).startsWith("Cette demande n’est plus valable");
        assertThat(browser.findElement(By.id("release-form")).isDisplayed()).isFalse();
        Accessibility.assertNoSeriousViolation(browser);
    }
}
