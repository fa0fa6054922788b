package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;

/** A test that a person's clicks drive: a fresh headless Chromium for each test method, quit after it. */
abstract class BrowserTest {

    /** Where the files the page downloads land, without asking. */
    @TempDir
    protected Path downloads;

    protected ChromeDriver browser;
    /**
     * Waits as long as a loaded machine may need for a page, looking elements up afresh while it does: the portal's
     * screens draw their lists again as answers arrive, and an element read between two drawings is stale, not absent.
     */
    protected WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start(downloads);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() {
        browser.quit();
    }

    /** Opens "Mon coffre", signs in with the password on Keycloak's page, and waits for the documents. */
    protected void signInToPortal(Platform platform, String username) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
    }

    /**
     * The portal asked for a stronger login: before any Keycloak page, it says in a dialog why ({@code reason}, a
     * part of the sentence) and what will be asked; the dialog passes axe, opens on « Annuler », and « Continuer »
     * goes on to Keycloak.
     */
    protected void continueStepUp(String reason) {
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stepup-dialog")));
        assertThat(browser.getCurrentUrl()).doesNotContain("/protocol/openid-connect/");
        assertThat(dialog.findElement(By.id("stepup-reason")).getText()).contains(reason);
        assertThat(dialog.getText()).contains("code à 6 chiffres envoyé à votre adresse électronique");
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Annuler");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("stepup-continue")).click();
    }

    /** « Ajouter un document » unfolds the form, which is folded so that the papers come first. */
    protected void unfoldUploadForm() {
        WebElement toggle = wait.until(ExpectedConditions.elementToBeClickable(By.id("upload-toggle")));
        assertThat(toggle.getDomAttribute("aria-expanded")).isEqualTo("false");
        toggle.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-file")));
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("upload-file");
    }

    /**
     * Opens "Mon coffre", signs in with FranceConnect (the simulator realm) as {@code identity}, and returns the
     * account's sub as « Mon compte » shows it.
     */
    protected String signInWithFranceConnect(Platform platform, String identity) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("social-franceconnect"))).click();
        FranceConnectSimulator.logIn(browser, FranceConnectSimulator.issuer(platform), identity);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
        if (!browser.getCurrentUrl().equals(platform.settings().portalUrl() + "/")) {
            throw new AssertionError("FranceConnect login ended on " + browser.getCurrentUrl());
        }
        return identityCard().findElement(By.id("me-sub")).getText();
    }

    /**
     * Goes to a screen of the portal through its menu, as a person would (route: the menu link's data-route, e.g.
     * "account"), and waits until it is shown with the focus on its heading.
     */
    protected void openScreen(String route, String sectionId) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#screens-nav a[data-route='" + route + "']")))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(sectionId)));
        wait.until(driver -> sectionId.equals(driver.switchTo().activeElement().findElement(By.xpath("ancestor::section[1]"))
                .getDomAttribute("id")));
    }

    /** Once the portal shows the papers: « Mon compte » and its identity card (the account's sub, roles, level). */
    protected WebElement identityCard() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
        openScreen("account", "account");
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("me")));
    }

    /**
     * The first finished download whose file name matches {@code nameRegex}, once Chromium has renamed it from its
     * partial file; fails after 30 seconds.
     */
    protected Path awaitDownload(String nameRegex) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try (Stream<Path> entries = Files.list(downloads)) {
                List<Path> done = entries.filter(path -> path.getFileName().toString().matches(nameRegex)
                        && !path.toString().endsWith(".crdownload")).toList();
                if (!done.isEmpty()) {
                    return done.getFirst();
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("No download named like " + nameRegex + " arrived in " + downloads);
    }
}
