package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * In Chromium: a paper valid until tomorrow shows « expire bientôt » (and one past its date « expiré »), the search box
 * narrows the list to the matching titles, « Aperçu » draws a PDF's page and a photo under the portal's strict CSP,
 * and « Mon compte » turns the reminders off; axe finds no serious violation on any of them. The reminder e-mail's
 * link opens the paper's « Remplacer un document » screen.
 */
@ExtendWith(PlatformExtension.class)
class ExpiryBrowserIT extends BrowserTest {

    @TempDir
    Path files;

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

    /**
     * The reminder e-mail's link, followed from GreenMail in Chromium, signs the citizen in and opens the paper it is
     * about, ready to be replaced; the new paper keeps the title and type, has its new validity, and the old is gone.
     */
    @Test
    void theReminderLinkOpensThePaperToReplace(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("expiry.replace");
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), citizens.token(username));
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Paris"));
        String old = upload(vault, VaultApi.pdf(4_000), "carte.pdf", "Carte d'identité", today.plusDays(1));

        // The job runs every second on the test platform: the reminder arrives, with a link to that paper only.
        Inboxes inboxes = new Inboxes(platform);
        String address = username + "@civis.localhost";
        Instant deadline = Instant.now().plusSeconds(60);
        while (inboxes.mails(address).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(inboxes.mails(address)).hasSize(1);
        Matcher link = Pattern.compile("https?://\\S+").matcher(inboxes.mails(address).getFirst().text());
        assertThat(link.find()).isTrue();
        assertThat(link.group()).isEqualTo(platform.settings().portalUrl() + "/#/documents/" + old + "/remplacer");

        browser.get(link.group());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("replace")));
        wait.until(ExpectedConditions.textToBe(By.id("replace-document"), "Document à remplacer : « Carte d'identité »"));
        assertThat(browser.findElement(By.id("replace-facts")).getText()).contains("Pièce d’identité");
        assertThat(browser.getCurrentUrl()).endsWith("#/documents/" + old + "/remplacer");
        Accessibility.assertNoSeriousViolation(browser);

        LocalDate renewed = today.plusYears(10);
        Path file = Files.write(files.resolve("nouvelle-carte.pdf"), VaultApi.pdf(5_000));
        browser.findElement(By.id("replace-file")).sendKeys(file.toString());
        browser.executeScript("document.getElementById('replace-valid-until').value = arguments[0];", renewed.toString());
        browser.findElement(By.id("replace-submit")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
        wait.until(ExpectedConditions.textToBe(By.id("list-status"), "« Carte d'identité » a été remplacé."));
        JsonNode items = VaultApi.json(vault.get("/api/v1/documents")).get("items");
        assertThat(items).hasSize(1);
        JsonNode replaced = items.get(0);
        assertThat(replaced.get("id").asString()).isNotEqualTo(old);
        assertThat(replaced.get("title").asString()).isEqualTo("Carte d'identité");
        assertThat(replaced.get("type").asString()).isEqualTo("piece-identite");
        assertThat(replaced.get("validUntil").asString()).isEqualTo(renewed.toString());
        assertThat(replaced.get("expiringSoon").asBoolean()).isFalse();
        assertThat(vault.get("/api/v1/documents/" + old).statusCode()).isEqualTo(404);

        // Another citizen's link opens nothing of it: the vault answers 404, the screen says the paper is not there.
        String other = citizens.create("expiry.replace.other");
        String theirs = upload(new VaultApi(platform.settings().portalUrl(), citizens.token(other)), VaultApi.pdf(4_000),
                "titre.pdf", "Titre de séjour", null);
        browser.get(platform.settings().portalUrl() + "/#/documents/" + theirs + "/remplacer");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("replace-error")));
        assertThat(browser.findElement(By.id("replace-error")).getText()).contains("n'existe pas dans votre coffre");
        assertThat(browser.findElement(By.id("replace-form")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("replace")).getText()).doesNotContain("Titre de séjour");
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

    /** Stores a paper through the API; its id. */
    private static String upload(VaultApi vault, byte[] content, String filename, String title, LocalDate validUntil)
            throws Exception {
        Map<String, String> fields = validUntil == null ? Map.of("type", "piece-identite", "title", title)
                : Map.of("type", "piece-identite", "title", title, "validUntil", validUntil.toString());
        HttpResponse<String> stored = vault.upload(content, filename, fields, null);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        return VaultApi.json(stored).get("id").asString();
    }

    private static byte[] photo() throws Exception {
        BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
