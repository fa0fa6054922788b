package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * No client of realm {@code civis} gives a token for the password alone (OAuth "password" grant) to anyone who has or
 * must have a second factor: not the clients the realm file declares (Keycloak's built-in ones included), and not the
 * tests' own direct-grant clients either, because the realm's direct-grant flow refuses those accounts (ADR 0011).
 * The factors are enrolled as a person would, in the browser.
 */
@ExtendWith(PlatformExtension.class)
class DirectGrantIT extends BrowserTest {

    @Test
    void thePasswordAloneGivesNoTokenToStaffNorToAnyoneWithASecondFactor(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        KeycloakClient keycloak = citizens.keycloak();
        String citizen = citizens.create("dg.habitant");
        citizens.createWithTotp("dg.habitant.appli");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("citizen with an authenticator app", "dg.habitant.appli");
        refused.put("agent without a factor", StaffPolicyIT.agent(platform, "dg.agent.sans.facteur"));
        refused.put("agent with an authenticator app", agentWithApp(platform, "dg.agent.appli"));
        refused.put("agent with SMS codes", agentWithSms(platform, "dg.agent.sms"));
        refused.put("agent who used an e-mailed code", agentWithEmailedCode(platform, "dg.agent.courriel"));
        refused.put("agent with a passkey", agentWithPasskey(platform, "dg.agent.cle"));

        Map<String, Map<String, String>> clients = clientsWithCredentials(keycloak);
        Set<String> declared = declaredClients(platform);
        assertThat(declared).contains("admin-cli", "account", "account-console", "broker", "security-admin-console",
                "realm-management", "civis-portal", "civis-vault", "civis-consent", "mairie-demo");
        assertThat(clients.keySet()).containsAll(declared);

        List<String> tokens = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> client : clients.entrySet()) {
            for (Map.Entry<String, String> person : refused.entrySet()) {
                if (gotToken(keycloak, client.getValue(), person.getValue())) {
                    tokens.add(client.getKey() + " → " + person.getKey());
                }
            }
            if (declared.contains(client.getKey()) && gotToken(keycloak, client.getValue(), citizen)) {
                tokens.add(client.getKey() + " → citizen without a factor");
            }
        }
        assertThat(tokens).as("password-only tokens").isEmpty();

        // The tests' own client still serves an account without a factor (so the refusals above are not a broken
        // client or a wrong password), and it exists only because the tests created it.
        assertThat(gotToken(keycloak, clients.get("it-services"), citizen)).isTrue();
        assertThat(declared).doesNotContain("it-services");
    }

    /** Whether the token endpoint returns an access token to {@code username} for the password alone. */
    private static boolean gotToken(KeycloakClient keycloak, Map<String, String> client, String username) {
        Map<String, String> form = new HashMap<>(client);
        form.putAll(Map.of("grant_type", "password", "username", username, "password", Citizens.PASSWORD,
                "scope", "openid"));
        return catchThrowable(() -> keycloak.token("civis", form)) == null;
    }

    /** Every client of the running realm, with what it authenticates with: its id, and its secret when it has one. */
    private static Map<String, Map<String, String>> clientsWithCredentials(KeycloakClient keycloak) throws Exception {
        Map<String, Map<String, String>> clients = new LinkedHashMap<>();
        for (JsonNode client : keycloak.get("/realms/civis/clients")) {
            Map<String, String> credentials = new HashMap<>(Map.of("client_id", client.get("clientId").asString()));
            if (!client.get("publicClient").asBoolean() && !client.get("bearerOnly").asBoolean()) {
                JsonNode secret = keycloak.get("/realms/civis/clients/" + client.get("id").asString() + "/client-secret");
                if (secret.hasNonNull("value")) {
                    credentials.put("client_secret", secret.get("value").asString());
                }
            }
            clients.put(client.get("clientId").asString(), credentials);
        }
        return clients;
    }

    /** The clients the realm file that Keycloak imported declares. */
    private static Set<String> declaredClients(Platform platform) throws Exception {
        JsonNode realm = KeycloakClient.JSON.readTree(
                Files.readString(platform.settings().runtimeDir().resolve("realms/civis-realm.json")));
        Set<String> ids = new TreeSet<>();
        realm.get("clients").forEach(client -> ids.add(client.get("clientId").asString()));
        return ids;
    }

    private String agentWithApp(Platform platform, String username) throws Exception {
        StaffPolicyIT.agent(platform, username);
        LoginFlow login = new LoginFlow(platform, browser);
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("app");
        login.visible("mode-manual").click();
        Totp app = new Totp(login.visible("kc-totp-secret-key").getText());
        login.submit("totp", app.codeAt(Instant.now()), "saveTOTPBtn");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
        login.forgetSession();
        return username;
    }

    private String agentWithSms(Platform platform, String username) throws Exception {
        StaffPolicyIT.agent(platform, username);
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("sms");
        login.submit("phone", "06 00 00 00 71", "civis-phone-submit");
        login.submit("code", Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000071"), 1), "civis-otp-submit");
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
        login.forgetSession();
        return username;
    }

    /** An agent whose verified address received a code that took them to eidas2. */
    private String agentWithEmailedCode(Platform platform, String username) throws Exception {
        StaffPolicyIT.agent(platform, username);
        Inboxes inboxes = new Inboxes(platform);
        LoginFlow login = new LoginFlow(platform, browser);
        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        login.submit("code", Inboxes.awaitCode(() -> inboxes.mailedCodes(username + "@civis.localhost"), 1),
                "civis-otp-submit");
        assertThat(login.tokenClaims().get("acr").asString()).isEqualTo("eidas2");
        login.forgetSession();
        return username;
    }

    private String agentWithPasskey(Platform platform, String username) throws Exception {
        browser.addVirtualAuthenticator(StaffPolicyIT.securityKey());
        StaffPolicyIT.agent(platform, username);
        LoginFlow login = new LoginFlow(platform, browser);
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        login.chooseStaffFactor("key");
        login.press("registerWebAuthn");
        Alert name = wait.until(ExpectedConditions.alertIsPresent());
        name.sendKeys("Clé de l'agent");
        name.accept();
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
        login.forgetSession();
        return username;
    }

    /** Picks {@code factor} on the staff's choice page and waits for the page that follows. */
}
