package fr.civis.it;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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
    /** Waits as long as a loaded machine may need for a page. */
    protected WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start(downloads);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
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
}
