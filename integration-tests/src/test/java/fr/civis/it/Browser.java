package fr.civis.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and its driver, started with the flags this network-less machine needs. Selenium
 * Manager stays out of it: both paths are given, so nothing is ever downloaded.
 */
final class Browser {

    private Browser() {
    }

    /** Files the page downloads land in {@code downloads} without asking. */
    static ChromeDriver start(Path downloads) {
        Path chromium = Path.of(System.getProperty("civis.chromium", "/usr/bin/chromium"));
        Path driver = Path.of(System.getProperty("civis.chromedriver", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
            throw new IllegalStateException("Chromium and its driver are needed for the browser tests: "
                    + "apt-get install chromium chromium-driver (or set -Dcivis.chromium and -Dcivis.chromedriver).");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--accept-lang=fr-FR,fr", "--window-size=1280,900");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "fr-FR,fr",
                "download.default_directory", downloads.toString(), "download.prompt_for_download", false,
                "safebrowsing.enabled", false));
        options.setExperimentalOption("excludeSwitches", List.of("enable-automation"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return browser;
    }
}
