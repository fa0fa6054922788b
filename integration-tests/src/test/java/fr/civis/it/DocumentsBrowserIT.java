package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import fr.civis.launcher.Platform;

/**
 * A citizen unfolds « Ajouter un document », adds a document with a progress bar, finds it in the list, downloads it
 * intact under its title and deletes it.
 */
@ExtendWith(PlatformExtension.class)
class DocumentsBrowserIT extends BrowserTest {

    @TempDir
    Path files;

    @Test
    void uploadListDownloadDelete(Platform platform) throws Exception {
        String username = new Citizens(platform).create("doc.browser");
        byte[] content = VaultApi.pdf(3 * 1024 * 1024);
        Path file = Files.write(files.resolve("quittance-loyer.pdf"), content);

        signInToPortal(platform, username);

        unfoldUploadForm();
        browser.findElement(By.id("upload-file")).sendKeys(file.toString());
        new Select(browser.findElement(By.id("upload-type"))).selectByValue("justificatif-domicile");
        WebElement title = browser.findElement(By.id("upload-title"));
        title.clear();
        title.sendKeys("Quittance de loyer");
        browser.findElement(By.id("upload-submit")).click();

        wait.until(ExpectedConditions.attributeToBe(By.id("upload-progress"), "value", "100"));
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

}
