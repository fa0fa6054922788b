package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * A session at eidas1 (a password, perhaps stolen) can neither delete the second factor nor add another app or phone
 * beside it, nor change the e-mail address; at eidas2 the person can. Changes go through Keycloak's application-initiated actions
 * ({@code kc_action}), as the account console does.
 */
@ExtendWith(PlatformExtension.class)
class FactorProtectionIT extends BrowserTest {

    @Test
    void eidas1SessionCannotRemoveOrReplaceTheSecondFactorButEidas2Can(Platform platform) throws Exception {
        String username = "facteur.protege";
        KeycloakClient keycloak = new KeycloakClient(platform);
        keycloak.create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Facteur", "email", username + "@civis.localhost", "emailVerified", true,
                "requiredActions", List.of("CONFIGURE_TOTP"),
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        String userId = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.freshCode(), "saveTOTPBtn");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");
        String otp = credentialIds(keycloak, userId, "otp").getFirst();

        // From this eidas1 session, deleting the app, adding another one or a phone: Keycloak first wants the
        // app's code (eidas2), and without it nothing changes.
        for (String action : List.of("delete_credential:" + otp, "CONFIGURE_TOTP", "civis-phone-number")) {
            login.start(null, "&kc_action=" + action);
            login.visible("otp");
            assertThat(browser.findElements(By.id("kc-accept"))).isEmpty();
            assertThat(browser.findElements(By.id("kc-totp-secret-qr-code"))).isEmpty();
            assertThat(browser.findElements(By.id("phone"))).isEmpty();
        }
        assertThat(credentialIds(keycloak, userId, "otp")).containsExactly(otp);
        assertThat(credentialIds(keycloak, userId, "civis-sms")).isEmpty();

        // At eidas2 (the app's code asked first), the person removes it.
        login.start("eidas2", "&kc_action=delete_credential:" + otp);
        login.submit("otp", app.freshCode(), "kc-login");
        login.press("kc-accept");
        login.tokenClaims();
        assertThat(credentialIds(keycloak, userId, "otp")).isEmpty();
    }

    @Test
    void emailAddressChangesOnlyAtEidas2AndOnceTheNewAddressConfirms(Platform platform) throws Exception {
        String username = "adresse.protegee";
        String address = username + "@civis.localhost";
        String newAddress = "adresse.nouvelle@civis.localhost";
        KeycloakClient keycloak = new KeycloakClient(platform);
        keycloak.create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Adresse", "email", address, "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        String userId = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");

        // The profile form no longer holds the address, and its own action refuses this eidas1 session.
        login.start(null, "&kc_action=UPDATE_PROFILE");
        login.visible("firstName");
        assertThat(browser.findElements(By.id("email"))).isEmpty();
        login.start(null, "&kc_action=UPDATE_EMAIL");
        wait.until(driver -> driver.findElement(By.tagName("body")).getText()
                .contains("Pour changer d'adresse électronique, confirmez d'abord que c'est bien vous"));
        assertThat(browser.findElements(By.id("email"))).isEmpty();
        Accessibility.assertNoSeriousViolation(browser);

        // At eidas2, reached with the code mailed to the current address, the new address is asked and confirmed.
        login.start("eidas2", "&kc_action=UPDATE_EMAIL");
        login.submit("code", Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1), "civis-otp-submit");
        login.submit("email", newAddress, "kc-submit");
        String link = Inboxes.awaitCode(() -> inboxes.mailedActionLinks(newAddress), 1);
        assertThat(keycloak.get("/realms/civis/users/" + userId).get("email").asString()).isEqualTo(address);
        browser.get(link);
        wait.until(driver -> newAddress.equals(email(keycloak, userId)));
        assertThat(keycloak.get("/realms/civis/users/" + userId).get("emailVerified").asBoolean()).isTrue();
    }

    /**
     * No way around the step-up through the account console's REST API, whatever the token's level: it lists a
     * citizen's factors but deletes none (the console itself goes through {@code delete_credential}, guarded above).
     */
    @Test
    void accountApiCannotDeleteTheSecondFactorAtAnyLevel(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        HttpLogin app = citizens.createWithTotp("facteur.api.compte");
        KeycloakClient keycloak = citizens.keycloak();
        String userId = keycloak.get("/realms/civis/users?exact=true&username=facteur.api.compte").get(0).get("id")
                .asString();
        String otp = credentialIds(keycloak, userId, "otp").getFirst();

        for (String token : List.of(app.accessToken(null), app.accessToken("eidas2"))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            platform.settings().keycloakUrl() + "/realms/civis/account/credentials/" + otp))
                    .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isIn(401, 403, 405);
        }
        assertThat(credentialIds(keycloak, userId, "otp")).containsExactly(otp);
    }

    private static String email(KeycloakClient keycloak, String userId) {
        try {
            return keycloak.get("/realms/civis/users/" + userId).get("email").asString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> credentialIds(KeycloakClient keycloak, String userId, String type) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode credential : keycloak.get("/realms/civis/users/" + userId + "/credentials")) {
            if (type.equals(credential.get("type").asString())) {
                ids.add(credential.get("id").asString());
            }
        }
        return ids;
    }
}
