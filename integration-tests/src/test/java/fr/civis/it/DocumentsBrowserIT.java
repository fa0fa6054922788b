package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import fr.civis.launcher.Platform;

/**
 * A citizen unfolds « Ajouter un document », adds a document with a progress bar (every percentage shown is the bar's),
 * finds it in the list, downloads it intact under its title and deletes it.
 */
@ExtendWith(PlatformExtension.class)
class DocumentsBrowserIT extends BrowserTest {

    @TempDir
    Path files;

    /**
     * Notes, at each change of the upload form, the bar's value, the percentage written beside it and the status text
     * when it is visible (not only spoken).
     */
    private static final String RECORD_PROGRESS = """
            window.uploadSeen = [];
            const form = document.getElementById('upload-form');
            new MutationObserver(() => {
              const status = document.getElementById('upload-status');
              const box = status.getBoundingClientRect();
              window.uploadSeen.push({
                bar: document.getElementById('upload-progress').value,
                percent: document.getElementById('upload-percent').textContent,
                status: box.width > 1 && box.height > 1 ? status.textContent : ''
              });
            }).observe(form, { subtree: true, childList: true, characterData: true, attributes: true });""";

    @Test
    void uploadListDownloadDelete(Platform platform) throws Exception {
        String username = new Citizens(platform).create("doc.browser");
        byte[] content = VaultApi.pdf(3 * 1024 * 1024);
        Path file = Files.write(files.resolve("quittance-loyer.pdf"), content);

        signInToPortal(platform, username);

        unfoldUploadForm();
        assertCalendarButtonShowsItsFocus();
        browser.findElement(By.id("upload-file")).sendKeys(file.toString());
        new Select(browser.findElement(By.id("upload-type"))).selectByValue("justificatif-domicile");
        WebElement title = browser.findElement(By.id("upload-title"));
        title.clear();
        title.sendKeys("Quittance de loyer");
        // Sent at 1 MB/s, the 3 MB arrive in a few dozen progress events; at each, what the page shows is noted.
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", 1_000_000));
        browser.executeScript(RECORD_PROGRESS);
        browser.findElement(By.id("upload-submit")).click();

        wait.until(ExpectedConditions.attributeToBe(By.id("upload-progress"), "value", "100"));
        browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
        assertProgressTextFollowsTheBar();
        WebElement document = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#document-list .document")));
        assertThat(document.findElement(By.className("document-title")).getText()).isEqualTo("Quittance de loyer");
        assertThat(document.getAttribute("data-document-id")).matches("[0-9a-f-]{36}");
        assertThat(browser.findElement(By.id("upload-error")).isDisplayed()).isFalse();

        document.findElement(By.className("document-download")).click();
        // Saved under the title the citizen gave it, with the file's extension, not under the file's old name.
        Path downloaded = awaitDownload("Quittance de loyer\\.pdf");
        assertThat(Files.readAllBytes(downloaded)).isEqualTo(content);

        document.findElement(By.className("document-delete")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-delete"))).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#document-list .document"), 0));
    }

    /**
     * The date field's calendar button is reached with Tab after the day, month and year, and then shows the
     * portal's focus ring: the field no longer matches :focus there, so a ring tied to it alone would vanish.
     */
    private void assertCalendarButtonShowsItsFocus() {
        WebElement date = browser.findElement(By.id("upload-valid-until"));
        browser.findElement(By.id("upload-title")).sendKeys(Keys.TAB);
        String where = "const e = document.activeElement; return e.id + (e.matches(':focus') ? ':field' : ':button');";
        assertThat(browser.executeScript(where)).as("Tab from the title").isEqualTo("upload-valid-until:field");
        int tabs = 0;
        while (browser.executeScript(where).equals("upload-valid-until:field") && tabs++ < 4) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
        }
        assertThat(browser.executeScript(where)).as("after the day, month and year").isEqualTo("upload-valid-until:button");
        assertThat(date.getCssValue("outline-style")).isEqualTo("solid");
        assertThat(date.getCssValue("outline-width")).isEqualTo("3px");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(date.getCssValue("outline-style")).as("once the focus has left the field").isEqualTo("none");
    }

    /** While sending, every percentage a person sees is the bar's: the one beside it, and any in the status text. */
    @SuppressWarnings("unchecked")
    private void assertProgressTextFollowsTheBar() {
        List<Map<String, Object>> seen = (List<Map<String, Object>>) browser.executeScript("return window.uploadSeen;");
        List<Long> between = seen.stream().map(state -> ((Number) state.get("bar")).longValue())
                .filter(bar -> bar > 0 && bar < 100).distinct().toList();
        assertThat(between).as("bar values seen while sending").hasSizeGreaterThanOrEqualTo(5);
        Pattern percentage = Pattern.compile("(\\d+)[\\s\\u00a0\\u202f]*%");
        for (Map<String, Object> state : seen) {
            long bar = ((Number) state.get("bar")).longValue();
            assertThat((String) state.get("percent")).as("percentage beside the bar").isEqualTo(bar + "\u00a0%");
            Matcher shown = percentage.matcher((String) state.get("status"));
            if (shown.find()) {
                assertThat(Long.parseLong(shown.group(1))).as("percentage in the visible status, bar at " + bar)
                        .isEqualTo(bar);
            }
        }
    }
}
