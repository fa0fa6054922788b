package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/** Agents (like DPO and admins) always log in with two factors: without one, they must enrol one first. */
@ExtendWith(PlatformExtension.class)
class StaffPolicyIT extends BrowserTest {

    @Test
    void agentWithoutSecondFactorIsForcedToEnrolOneThenAlwaysAskedForIt(Platform platform) throws Exception {
        String username = agent(platform, "agent.sans.facteur");
        LoginFlow login = new LoginFlow(platform, browser);

        // No acr_values: a citizen would be in with the password alone; the agent must set up an app first.
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.codeAt(Instant.now()), "saveTOTPBtn");
        JsonNode claims = login.tokenClaims();
        assertThat(claims.get("preferred_username").asString()).isEqualTo(username);
        assertThat(claims.get("realm_access").get("roles").toString()).contains("\"agent\"");

        // Next login, still without acr_values: the code is asked after the password.
        login.forgetSession();
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.visible("otp");
        assertThat(browser.findElements(By.id("kc-totp-secret-qr-code"))).isEmpty();
        login.submit("otp", app.codeAt(Instant.now().plusSeconds(30)), "kc-login");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void citizenWithoutSecondFactorIsNotAskedForOne(Platform platform) throws Exception {
        String username = OneTimeCodeIT.citizen(platform, "citoyen.sans.facteur");
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas1");
    }

    /** A new account with the agent role and no second factor. */
    static String agent(Platform platform, String username) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        keycloak.create("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", "Agent", "email", username + "@civis.localhost", "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", Citizens.PASSWORD, "temporary", false))));
        grantAgentRole(platform, username);
        return username;
    }

    static void grantAgentRole(Platform platform, String username) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        String id = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        JsonNode role = keycloak.get("/realms/civis/roles/agent");
        keycloak.send("POST", "/realms/civis/users/" + id + "/role-mappings/realm",
                List.of(Map.of("id", role.get("id").asString(), "name", "agent")));
    }
}
