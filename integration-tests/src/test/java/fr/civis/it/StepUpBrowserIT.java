package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * The portal answers the vault's step-up challenge: a citizen signed in with a password asks for the export (or
 * closes the safe), goes through Keycloak's authenticator-app page (which says why it is asked), comes back, and the act
 * they had asked for is done without asking again.
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
        continueStepUp("Tout télécharger");
        // The authenticator-app page says why it is asked, as the e-mail code page does, after a wrong code too.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp"))).sendKeys(wrongCode(app.totp()));
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-error-otp")));
        enterCode(platform, app.totp(), "Vous avez demandé à tout télécharger : cette vérification confirme que c'est bien vous.");

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
        continueStepUp("Fermer votre coffre");
        enterCode(platform, app.totp(), "Vous avez demandé à fermer votre coffre : cette vérification confirme que c'est bien vous.");

        // The citizen had confirmed: the closure is done on return, not asked again.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("safe-closing-banner")));
        assertThat(browser.findElement(By.id("me-acr")).getAttribute("data-acr")).isEqualTo("eidas2");
        assertThat(browser.findElement(By.id("close-safe-dialog")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("close-safe-button")).isDisplayed()).isFalse();
    }

    @Test
    void exportWithTheEmailedCodeIsExplainedFirstAndTheCodeIsThenListedAsAFactor(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("stepup.browser.courriel");
        String address = username + "@civis.localhost";
        assertThat(new VaultApi(platform.settings().portalUrl(), citizens.token(username))
                .upload(VaultApi.pdf(20_000), "avis-impot.pdf").statusCode()).isEqualTo(201);
        Inboxes inboxes = new Inboxes(platform);

        signInToPortal(platform, username);
        // « Annuler » on the explanation: nothing is asked of Keycloak, no code is sent, the focus goes back.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("export-button"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stepup-dialog")));
        browser.switchTo().activeElement().click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("stepup-dialog")));
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("export-button");
        assertThat(inboxes.mailedCodes(address)).isEmpty();

        browser.findElement(By.id("export-button")).click();
        continueStepUp("Tout télécharger");
        // Keycloak's page for the code e-mailed to the citizen: the session knows the password, only the code is asked.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("civis-otp-sent")));
        assertThat(browser.findElements(By.id("password"))).isEmpty();
        // The reason travels to Keycloak's page too.
        assertThat(browser.findElement(By.id("civis-stepup-reason")).getText())
                .isEqualTo("Vous avez demandé à tout télécharger : cette vérification confirme que c'est bien vous.");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("code")).sendKeys(Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1));
        browser.findElement(By.id("civis-otp-submit")).click();
        wait.until(ExpectedConditions.urlToBe(platform.settings().portalUrl() + "/"));

        assertThat(zipEntries(Files.readAllBytes(awaitDownload("mon-coffre-.+\\.zip"))))
                .anySatisfy(name -> assertThat(name).endsWith("-avis-impot.pdf"));
        wait.until(ExpectedConditions.textToBe(By.id("safe-status"), "L’archive de vos documents est téléchargée."));

        // « Sécurité de mon compte » lists the code by e-mail that has just served, with its address.
        openScreen("security", "security");
        assertThat(browser.findElement(By.cssSelector("#factors [data-type='civis-email']")).getText())
                .contains("Code reçu par courriel").contains(address);
        assertThat(browser.findElements(By.cssSelector("#factors [data-type='civis-email'] button"))).isEmpty();
        Accessibility.assertNoSeriousViolation(browser);
    }

    /**
     * Keycloak's page for the second factor: the session knows the password, only the code is asked, and the page
     * says why ({@code reason}, the theme's sentence for the act the portal named).
     */
    private void enterCode(Platform platform, Totp totp, String reason) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp")));
        assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer());
        assertThat(browser.findElements(By.id("password"))).isEmpty();
        assertThat(browser.findElement(By.id("civis-stepup-reason")).getText()).isEqualTo(reason);
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("otp")).sendKeys(totp.freshCode());
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.urlToBe(platform.settings().portalUrl() + "/"));
    }

    /** A six-digit code of none of the windows the realm accepts now. */
    private static String wrongCode(Totp totp) {
        Instant now = Instant.now();
        Set<String> accepted = Set.of(totp.codeAt(now.minusSeconds(30)), totp.codeAt(now), totp.codeAt(now.plusSeconds(30)));
        return Stream.of("000000", "111111", "222222", "333333").filter(code -> !accepted.contains(code)).findFirst()
                .orElseThrow();
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
