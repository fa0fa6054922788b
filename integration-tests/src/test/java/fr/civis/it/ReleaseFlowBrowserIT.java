package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;

/**
 * The whole release of issue 10 in Chromium, from the crèche app to the fetched document: the app asks, the citizen
 * (signed in with a password only) chooses the paper in the portal, confirms, steps up with the authenticator app,
 * and comes back to the app, which shows the paper with its verified digest. And the refusal, said plainly.
 */
@ExtendWith(PlatformExtension.class)
class ReleaseFlowBrowserIT extends BrowserTest {

    // The portal's request screen (docs/release-api.md, GET /release-requests/{requestUri}).
    private static final By REQUEST_SCREEN = By.id("release-request");
    private static final By DOCUMENT_CHOICE = By.cssSelector("#release-choices input[type=radio]");
    private static final By CONFIRM = By.id("release-confirm");
    private static final By REFUSE = By.id("release-refuse");

    @Test
    void aCitizenReleasesTheirProofOfAddressToTheCrecheWithAStepUp(Platform platform) throws Exception {
        HttpLogin app = new Citizens(platform).createWithTotp("creche.bout-en-bout");
        byte[] content = VaultApi.pdf(60_000);
        assertThat(new VaultApi(platform.settings().portalUrl(), app.accessToken(null))
                .upload(content, "facture-electricite.pdf").statusCode()).isEqualTo(201);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        signInToPortal(platform, "creche.bout-en-bout");
        askFromTheCrecheApp(platform);

        wait.until(ExpectedConditions.visibilityOfElementLocated(REQUEST_SCREEN));
        assertThat(browser.findElement(REQUEST_SCREEN).getText())
                .contains("Mairie de Civis", "Inscription à la crèche", "Justificatif de domicile");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(DOCUMENT_CHOICE).click();
        browser.findElement(CONFIRM).click();
        continueStepUp("Transmettre un document");

        // eidas1 → the vault answers 401 insufficient_user_authentication, the portal steps up: only the code is asked.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp")));
        assertThat(browser.findElements(By.id("password"))).isEmpty();
        browser.findElement(By.id("otp")).sendKeys(app.totp().freshCode());
        browser.findElement(By.id("kc-login")).click();

        // The portal retries the confirmation once and sends the browser back to the app's registered /callback.
        wait.until(ExpectedConditions.urlContains(platform.settings().mairieDemoUrl() + "/callback"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("table")));
        String page = browser.findElement(By.tagName("main")).getText();
        assertThat(page).contains("Justificatif de domicile", "application/pdf", "empreinte vérifiée", sha256)
                .doesNotContain("non conforme");
        Accessibility.assertNoSeriousViolation(browser);
    }

    @Test
    void aRefusalGoesBackToTheAppWhichSaysSoPlainly(Platform platform) throws Exception {
        String citizen = new Citizens(platform).create("creche.refus");
        signInToPortal(platform, citizen);
        askFromTheCrecheApp(platform);

        wait.until(ExpectedConditions.elementToBeClickable(REFUSE)).click();

        wait.until(ExpectedConditions.urlContains(platform.settings().mairieDemoUrl() + "/callback"));
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("Vous avez refusé de transmettre votre justificatif de domicile");
    }

    /** On the crèche app: log in (the portal's session answers) and ask for the paper; the browser goes to the portal. */
    private void askFromTheCrecheApp(Platform platform) {
        browser.get(platform.settings().mairieDemoUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Se connecter pour commencer"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space()='Transmettre mon justificatif depuis mon coffre']"))).click();
        // The portal takes the handle out of the address bar as soon as it has read it.
        wait.until(ExpectedConditions.urlContains(platform.settings().portalUrl() + "/"));
    }
}
