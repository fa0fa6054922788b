package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Second factor by one-time code on the real Keycloak: codes e-mailed through the realm's SMTP (read from GreenMail)
 * and texted through the development SMS sender (read from its file), the phone enrolment, and the code's limits:
 * one use, five tries, resend throttled, short life.
 */
@ExtendWith(PlatformExtension.class)
class OneTimeCodeIT extends BrowserTest {

    @Test
    void emailedCodeGivesEidas2OnceAndResendingIsThrottled(Platform platform) throws Exception {
        String username = citizen(platform, "otp.mail");
        String address = username + "@civis.localhost";
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        assertThat(login.visible("civis-otp-sent").getText()).contains("o•••@civis.localhost");
        Accessibility.assertNoSeriousViolation(browser);
        String code = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1);

        login.press("civis-otp-resend");
        assertThat(login.fieldError("code")).startsWith("Attendez").contains("seconde");
        assertThat(inboxes.mailedCodes(address)).hasSize(1);

        login.submit("code", code, "civis-otp-submit");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("acr").asString()).isEqualTo("eidas2");
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);

        // The same digits in another login (another authentication session) are worth nothing.
        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        String second = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 2);
        if (!second.equals(code)) {
            login.submit("code", code, "civis-otp-submit");
            assertThat(login.fieldError("code")).isEqualTo("Code incorrect. Vérifiez votre saisie et réessayez.");
        }
        login.submit("code", second, "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }

    @Test
    void phoneIsEnrolledThenCodesArriveBySms(Platform platform) throws Exception {
        String username = citizen(platform, "otp.sms", List.of("civis-phone-number"));
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("phone");
        Accessibility.assertNoSeriousViolation(browser);
        login.submit("phone", "01 23 45 67 89", "civis-phone-submit");
        assertThat(login.fieldError("phone")).contains("n'est pas un numéro de téléphone mobile");
        login.submit("phone", "06 00 00 00 42", "civis-phone-submit");
        assertThat(login.visible("civis-otp-sent").getText()).contains("+33•••••••42");
        String enrolment = Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000042"), 1);
        login.submit("code", enrolment, "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");

        // Step-up in the same session: the verified phone is now the second factor.
        login.start("eidas2");
        assertThat(login.visible("civis-otp-sent").getText()).contains("SMS").contains("+33•••••••42");
        String code = Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000042"), 2);
        login.submit("code", code, "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");

        // "Try another way", with the keyboard alone: Tab to the e-mail code and Enter.
        login.forgetSession();
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        login.visible("civis-otp-sent");
        login.press("try-another-way");
        login.visible("kc-select-credential-form");
        Accessibility.assertNoSeriousViolation(browser);
        WebElement byEmail = browser.findElements(By.cssSelector("#kc-select-credential-form button")).stream()
                .filter(choice -> choice.getText().contains("Code par courriel")).findFirst().orElseThrow();
        assertThat(byEmail.getAttribute("type")).isEqualTo("submit");
        byEmail.sendKeys(Keys.ENTER);
        assertThat(login.visible("civis-otp-sent").getText()).contains("o•••@civis.localhost");
        login.submit("code", Inboxes.awaitCode(() -> inboxes.mailedCodes(username + "@civis.localhost"), 1),
                "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }

    @Test
    void fiveWrongCodesKillTheCode(Platform platform) throws Exception {
        String username = citizen(platform, "otp.tries");
        String address = username + "@civis.localhost";
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        String code = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1);
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int attempt = 1; attempt <= 4; attempt++) {
            // Brute-force detection locks an account that fails twice within a second: these tries stay slower.
            Thread.sleep(1100);
            login.submit("code", wrong, "civis-otp-submit");
            assertThat(login.fieldError("code")).isEqualTo("Code incorrect. Vérifiez votre saisie et réessayez.");
        }
        Thread.sleep(1100);
        login.submit("code", wrong, "civis-otp-submit");
        assertThat(login.fieldError("code")).contains("n'est plus valable");

        login.submit("code", code, "civis-otp-submit");
        assertThat(login.fieldError("code")).startsWith("Code incorrect.");
        assertThat(browser.getCurrentUrl()).doesNotContain("/it-callback");
    }

    @Test
    void expiredCodeIsRefused(Platform platform) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        String flow = shortCodeFlow(keycloak);
        String username = citizen(platform, "otp.expiry");
        String address = username + "@civis.localhost";
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser, "it-short-codes",
                Map.of("authenticationFlowBindingOverrides", Map.of("browser", flow)));

        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        String code = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1);
        // The copy's codes live 2 seconds.
        Thread.sleep(2500);
        login.submit("code", code, "civis-otp-submit");
        assertThat(login.fieldError("code")).isEqualTo("Ce code n'est plus valable. Demandez-en un nouveau.");

        login.press("civis-otp-resend");
        String fresh = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 2);
        login.submit("code", fresh, "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
    }

    /** A copy of the civis browser flow whose e-mailed codes live 2 seconds (resend after 1); its id. */
    private static String shortCodeFlow(KeycloakClient keycloak) throws Exception {
        String alias = "it short codes";
        String encoded = URLEncoder.encode(alias, StandardCharsets.UTF_8).replace("+", "%20");
        if (find(keycloak.get("/realms/civis/authentication/flows"), alias) == null) {
            keycloak.send("POST", "/realms/civis/authentication/flows/civis%20browser/copy", Map.of("newName", alias));
            for (JsonNode execution : keycloak.get("/realms/civis/authentication/flows/" + encoded + "/executions")) {
                if ("civis-email-otp".equals(execution.path("providerId").asString())) {
                    keycloak.send("POST", "/realms/civis/authentication/executions/" + execution.get("id").asString()
                            + "/config", Map.of("alias", "it short email codes", "config", Map.of(
                                    "civis-otp-lifetime-seconds", "2", "civis-otp-resend-delay-seconds", "1")));
                }
            }
        }
        return find(keycloak.get("/realms/civis/authentication/flows"), alias);
    }

    private static String find(JsonNode flows, String alias) {
        for (JsonNode flow : flows) {
            if (alias.equals(flow.get("alias").asString())) {
                return flow.get("id").asString();
            }
        }
        return null;
    }

    static String citizen(Platform platform, String username) throws Exception {
        return citizen(platform, username, List.of());
    }

    /** A citizen of this test with a verified address and no second factor enrolled yet. */
    static String citizen(Platform platform, String username, List<String> requiredActions) throws Exception {
        new KeycloakClient(platform).create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Code", "email", username + "@civis.localhost", "emailVerified", true,
                "requiredActions", requiredActions,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        return username;
    }
}
