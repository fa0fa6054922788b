package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * The portal answers the vault's step-up challenge: a citizen signed in with a password asks for the export (or
 * closes the safe), goes through Keycloak's authenticator-app page, comes back, and the act they had asked for is done
 * without asking again.
 */
@ExtendWith(PlatformExtension.class)
class StepUpBrowserIT extends BrowserTest {


    @Test
    void exportAtEidas1StepsUpWithTheAuthenticatorAppAndDownloads(Platform platform) throws Exception {
        HttpLogin app = new Citizens(platform).createWithTotp("stepup.browser.export");
        byte[] content = VaultApi.pdf(40_000);
        assertThat(new VaultApi(platform.settings().portalUrl(), app.accessToken(null))
                .upload(content, "quittance.pdf").statusCode()).isEqualTo(201);

        signInToPortal(platform, "stepup.browser.export");
        assertThat(browser.findElement(By.id("me-acr")).getAttribute("data-acr")).isEqualTo("eidas1");

        wait.until(ExpectedConditions.elementToBeClickable(By.id("export-button"))).click();
        enterCode(platform, app.totp());

        // Back on the portal at eidas2, the export runs again by itself and the archive arrives.
        wait.until(ExpectedConditions.attributeToBe(By.id("me-acr"), "data-acr", "eidas2"));
        Path archive = awaitDownload("mon-coffre-.+\\.zip");
        assertThat(zipEntries(Files.readAllBytes(archive))).contains("manifest.json")
                .anySatisfy(name -> assertThat(name).endsWith("-quittance.pdf"));
        wait.until(ExpectedConditions.textToBe(By.id("safe-status"), "L’archive de vos documents est téléchargée."));
        assertThat(browser.findElement(By.id("safe-error")).isDisplayed()).isFalse();
        Accessibility.assertNoSeriousViolation(browser);
    }

    @Test
    void closingAtEidas1StepsUpAndTheConfirmedClosureIsDone(Platform platform) throws Exception {
        HttpLogin app = new Citizens(platform).createWithTotp("stepup.browser.close");
        assertThat(new VaultApi(platform.settings().portalUrl(), app.accessToken(null))
                .upload(VaultApi.pdf(10_000), "releve.pdf").statusCode()).isEqualTo(201);

        signInToPortal(platform, "stepup.browser.close");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("close-safe-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-close-safe"))).click();
        enterCode(platform, app.totp());

        // The citizen had confirmed: the closure is done on return, not asked again.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("safe-closing-banner")));
        assertThat(browser.findElement(By.id("me-acr")).getAttribute("data-acr")).isEqualTo("eidas2");
        assertThat(browser.findElement(By.id("close-safe-dialog")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("close-safe-button")).isDisplayed()).isFalse();
    }

    /** Keycloak's page for the second factor: the session knows the password, only the code is asked. */
    private void enterCode(Platform platform, Totp totp) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp")));
        assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer());
        assertThat(browser.findElements(By.id("password"))).isEmpty();
        browser.findElement(By.id("otp")).sendKeys(totp.freshCode());
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.urlToBe(platform.settings().portalUrl() + "/"));
    }


    private static List<String> zipEntries(byte[] zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
