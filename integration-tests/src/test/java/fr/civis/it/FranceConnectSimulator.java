package fr.civis.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.civis.launcher.Platform;

/**
 * A person at the FranceConnect simulator realm (realm-config/.../dev/franceconnect-sim-realm.json): logs in with
 * the simulator's password and, when eidas2 is asked, with the one-time code of the identity's authenticator.
 */
final class FranceConnectSimulator {

    static final String PASSWORD = "fc-simulateur-2026";
    /** The TOTP secret every simulator identity shares (HmacSHA1, 6 digits, 30 s), as written in the realm file. */
    private static final byte[] OTP_SECRET = "simulateur-fc-otp-2026".getBytes(StandardCharsets.UTF_8);

    private FranceConnectSimulator() {
    }

    /** The simulator realm of the platform's Keycloak. */
    static String issuer(Platform platform) {
        return platform.settings().keycloakUrl() + "/realms/franceconnect-sim";
    }

    /** On the simulator's login page: password, then the one-time code if the simulator asks for it. */
    static void logIn(WebDriver browser, String issuerOfSimulator, String username) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        if (!browser.getCurrentUrl().startsWith(issuerOfSimulator + "/")) {
            throw new IllegalStateException("Not on the simulator's page");
        }
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("kc-login")).click();
    }

    /** The one-time code page of the simulator (eidas2). */
    static void enterOneTimeCode(WebDriver browser) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp"))).sendKeys(totp(Instant.now()));
        browser.findElement(By.id("kc-login")).click();
    }

    /** RFC 6238 with HmacSHA1, as Keycloak's OTP policy of the simulator. */
    static String totp(Instant at) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(OTP_SECRET, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(at.getEpochSecond() / 30).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
