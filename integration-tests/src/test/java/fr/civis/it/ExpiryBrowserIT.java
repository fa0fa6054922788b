package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * In Chromium: a paper valid until tomorrow shows « expire bientôt » (and one past its date « expiré »), the search box
 * narrows the list to the matching titles, « Aperçu » draws a PDF's page and a photo under the portal's strict CSP,
 * and « Mon compte » turns the reminders off; axe finds no serious violation on any of them.
 */
@ExtendWith(PlatformExtension.class)
class ExpiryBrowserIT extends BrowserTest {

    @Test
    void badgesSearchPreviewAndReminderSetting(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("expiry.browser");
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), citizens.token(username));
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Paris"));
        upload(vault, VaultApi.drawnPdf(2), "passeport.pdf", "Passeport", today.plusDays(1));
        upload(vault, VaultApi.pdf(4_000), "ancienne-carte.pdf", "Ancienne carte", today.minusDays(3));
        upload(vault, photo(), "photo.png", "Photo d'identité", null);

        signInToPortal(platform, username);
        // The list is drawn again as the safe's state and the pages arrive: look each element up afresh.
        wait.ignoring(StaleElementReferenceException.class);
        assertThat(textIn("Passeport", "document-expiring").toLowerCase()).isEqualTo("expire bientôt");
        assertThat(textIn("Ancienne carte", "document-expired").toLowerCase()).isEqualTo("expiré");
        assertThat(browser.findElement(By.id("todo-list")).getText()).contains("Passeport", "Ancienne carte");
        Accessibility.assertNoSeriousViolation(browser);

        // Search: only the matching title stays, whatever the case and accents.
        browser.findElement(By.id("document-search")).sendKeys("IDENTITE");
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#document-list .document"), 1));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#document-list .document-title"), "Photo d'identité"));
        browser.findElement(By.id("document-search")).clear();
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#document-list .document"), 3));

        // Preview of a PDF: its page drawn as an image, from a blob: address, with no CSP violation.
        browser.executeScript("window.cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective));");
        clickIn("Passeport", "document-preview");
        WebElement image = awaitPreview();
        assertThat(image.getDomAttribute("src")).startsWith("blob:");
        assertThat(browser.findElement(By.id("preview-page-info")).getText()).isEqualTo("Page 1 sur 2");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("preview-next")).click();
        wait.until(ExpectedConditions.textToBe(By.id("preview-page-info"), "Page 2 sur 2"));
        awaitPreview();
        browser.findElement(By.id("preview-close")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("preview-dialog")));
        assertThat(browser.switchTo().activeElement().getAttribute("class")).contains("document-preview");

        // Preview of a photo: the picture itself.
        clickIn("Photo d'identité", "document-preview");
        awaitPreview();
        assertThat(((Number) browser.executeScript("return document.getElementById('preview-image').naturalWidth;"))
                .intValue()).isEqualTo(120);
        browser.findElement(By.id("preview-close")).click();
        assertThat((List<?>) browser.executeScript("return window.cspViolations;")).isEmpty();

        // « Mon compte »: the reminders, on by default, turned off.
        openScreen("account", "account");
        wait.until(ExpectedConditions.elementToBeSelected(By.id("reminders-enabled")));
        browser.findElement(By.id("reminders-enabled")).click();
        wait.until(ExpectedConditions.textToBe(By.id("reminders-status"), "Vous ne recevrez plus de rappels."));
        assertThat(VaultApi.json(vault.get("/api/v1/me/reminders")).get("enabled").asBoolean()).isFalse();
        Accessibility.assertNoSeriousViolation(browser);
    }

    /** An element of the document titled {@code title} in the list, by its class. */
    private static By inDocument(String title, String className) {
        return By.xpath("//ul[@id='document-list']/li[h4[normalize-space()=\"" + title + "\"]]"
                + "//*[contains(concat(' ', @class, ' '), ' " + className + " ')]");
    }

    private String textIn(String title, String className) {
        return wait.until(driver -> driver.findElement(inDocument(title, className)).getText());
    }

    private void clickIn(String title, String className) {
        wait.until(driver -> {
            driver.findElement(inDocument(title, className)).click();
            return true;
        });
    }

    /** The preview's image once drawn (a picture the CSP blocked would stay 0 pixels wide). */
    private WebElement awaitPreview() {
        wait.until(driver -> ((Number) browser.executeScript("""
                const image = document.getElementById('preview-image');
                return !image.hidden && image.complete ? image.naturalWidth : 0;""")).intValue() > 0);
        return browser.findElement(By.id("preview-image"));
    }

    private static void upload(VaultApi vault, byte[] content, String filename, String title, LocalDate validUntil)
            throws Exception {
        Map<String, String> fields = validUntil == null ? Map.of("type", "piece-identite", "title", title)
                : Map.of("type", "piece-identite", "title", title, "validUntil", validUntil.toString());
        assertThat(vault.upload(content, filename, fields, null).statusCode()).isEqualTo(201);
    }

    private static byte[] photo() throws Exception {
        BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
