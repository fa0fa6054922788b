package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;

/**
 * A citizen enrols an authenticator app in Chromium (secret read from the page's manual mode, codes computed by the
 * test), then steps up: {@code acr_values=eidas2} asks for the code on top of the session and the token says eidas2.
 */
@ExtendWith(PlatformExtension.class)
class TotpLoginIT extends BrowserTest {

    @Test
    void enrolledAuthenticatorAppGivesEidas2(Platform platform) throws Exception {
        String username = "totp.citizen";
        new KeycloakClient(platform).create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Totp", "email", username + "@civis.localhost", "emailVerified", true,
                "requiredActions", List.of("CONFIGURE_TOTP"),
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("mode-manual");
        Accessibility.assertNoSeriousViolation(browser);
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.visible("userLabel").sendKeys("Téléphone");
        login.submit("totp", app.codeAt(Instant.now()), "saveTOTPBtn");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");

        // Same browser session: the password is not asked again, only the second factor. The code of the next
        // window (the realm accepts one window around now) differs from the one used to enrol.
        login.start("eidas2");
        String next = app.codeAt(Instant.now().plusSeconds(30));
        login.submit("otp", next.substring(0, 5) + (char) ('0' + (next.charAt(5) - '0' + 1) % 10), "kc-login");
        assertThat(login.visible("input-error-otp").getText()).isNotBlank();
        Accessibility.assertNoSeriousViolation(browser);
        login.submit("otp", next, "kc-login");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }
}
