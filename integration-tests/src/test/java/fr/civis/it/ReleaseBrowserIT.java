package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * Release with consent, in the citizen's browser: « mairie-demo » pushes a request, the portal shows who will receive
 * what, why, on what legal basis and until when; the citizen confirms, steps up to eidas2 with the authenticator app
 * and is sent back to the app's registered address; the consent is in « Mes partages » with its receipt, the app's
 * fetch is in « Qui a consulté ce document », and « Retirer mon accord » asks first, on « Annuler ». A second request,
 * refused, goes back with error=access_denied.
 */
@ExtendWith(PlatformExtension.class)
class ReleaseBrowserIT extends BrowserTest {

    @Test
    void citizenReleasesAPaperAtEidas2SeesItsUseAndWithdraws(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        HttpLogin app = citizens.createWithTotp("partage.navigateur");
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), app.accessToken(null));
        HttpResponse<String> uploaded = vault.upload(VaultApi.pdf(30_000), "quittance.pdf",
                Map.of("type", "justificatif-domicile", "title", "Quittance de loyer"), null);
        assertThat(uploaded.statusCode()).isEqualTo(201);
        String documentId = VaultApi.json(uploaded).get("id").asString();
        Recipients recipients = new Recipients(platform);

        browser.get(platform.settings().portalUrl() + "/?request_uri=" + recipients.crecheRequest("etat-1"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("partage.navigateur");
        browser.findElement(By.id("password")).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        WebElement facts = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("release-facts")));
        assertThat(facts.getText()).contains("Inscription à la crèche").contains("Mission d’intérêt public")
                .contains("Justificatif de domicile").contains("jusqu’au");
        WebElement choice = browser.findElement(By.cssSelector("#release-choices input[value='" + documentId + "']"));
        assertThat(choice.isSelected()).isTrue();
        Accessibility.assertNoSeriousViolation(browser);

        browser.findElement(By.id("release-confirm")).click();
        continueStepUp("Transmettre un document");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp"))).sendKeys(app.totp().freshCode());
        browser.findElement(By.id("kc-login")).click();
        // Back at eidas2, the confirmation is sent again and the browser goes to the app's registered address.
        wait.until(ExpectedConditions.urlContains("consent_id="));
        assertThat(browser.getCurrentUrl()).startsWith(recipients.mairieReturnUri() + "?").contains("state=etat-1");
        String consentId = URI.create(browser.getCurrentUrl()).getQuery().replaceAll(".*consent_id=([^&]+).*", "$1");

        // The app fetches the paper with its own token.
        assertThat(recipients.content(recipients.token(Recipients.MAIRIE), consentId, documentId).statusCode())
                .isEqualTo(200);

        // Back to « Mon coffre »: Keycloak's session is still open, so the portal signs back in by itself.
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
        openScreen("shares", "shares");
        WebElement consent = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#shares-active .consent[data-consent-id='" + consentId + "']")));
        assertThat(consent.getText()).contains("Inscription à la crèche").contains("Quittance de loyer");
        Accessibility.assertNoSeriousViolation(browser);

        consent.findElement(By.className("consent-receipt")).click();
        Path receipt = awaitDownload(".+\\.jws");
        assertThat(Files.readString(receipt)).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        // The list may have been drawn again meanwhile: find the consent anew.
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#shares-active .consent[data-consent-id='" + consentId + "'] .consent-revoke"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("revoke-dialog")));
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Annuler");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("confirm-revoke")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#shares-ended .consent[data-consent-id='" + consentId + "'][data-status='revoked']")));

        // « Qui a consulté ce document »: the app's fetch is there.
        openScreen("documents", "documents");
        browser.findElement(By.cssSelector(".document[data-document-id='" + documentId + "'] .document-accesses")).click();
        WebElement access = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#accesses-list .access[data-kind='access']")));
        assertThat(access.getText()).contains("Inscription à la crèche");
        Accessibility.assertNoSeriousViolation(browser);
    }

    @Test
    void refusingGoesBackToTheAppWithAccessDenied(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("refus.navigateur");
        Recipients recipients = new Recipients(platform);

        browser.get(platform.settings().portalUrl() + "/?request_uri=" + recipients.crecheRequest("etat-2"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        // No paper of that type yet: the portal offers to add one on the spot.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("release-form")));
        assertThat(browser.findElement(By.id("release-upload-form")).isDisplayed()).isTrue();
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("release-refuse")).click();
        wait.until(ExpectedConditions.urlContains("error=access_denied"));
        assertThat(browser.getCurrentUrl()).startsWith(recipients.mairieReturnUri() + "?").contains("state=etat-2");
    }
}
