package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Brute-force detection on the real Keycloak (wrong passwords and wrong second-factor codes both lock the account
 * for a while, and the locked account is told exactly what a wrong password is told) and the password policy
 * (length, blocklist shipped in realm-config, no composition rules, checked exactly as typed).
 */
@ExtendWith(PlatformExtension.class)
class LoginSecurityIT extends BrowserTest {

    private static final String WRONG_PASSWORD = "Identifiant ou mot de passe incorrect. Vérifiez votre saisie et réessayez.";

    @Test
    void repeatedWrongPasswordsLockTheAccountForAWhileWithTheSameMessage(Platform platform) throws Exception {
        String username = OneTimeCodeIT.citizen(platform, "force.brute.mdp");
        KeycloakClient keycloak = new KeycloakClient(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start(null);
        for (int attempt = 0; attempt < 5; attempt++) {
            login.password(username, "pas-le-bon-mot-de-passe-" + attempt);
            assertThat(login.fieldError("username")).isEqualTo(WRONG_PASSWORD);
        }
        login.password(username, Citizens.PASSWORD);
        assertThat(login.fieldError("username")).isEqualTo(WRONG_PASSWORD);

        String id = userId(keycloak, username);
        JsonNode status = keycloak.get("/realms/civis/attack-detection/brute-force/users/" + id);
        assertThat(status.get("disabled").asBoolean()).isTrue();
        // Temporarily: the account itself stays enabled, and the lock lifts (here, at once, by an administrator).
        assertThat(keycloak.get("/realms/civis/users/" + id).get("enabled").asBoolean()).isTrue();
        keycloak.send("DELETE", "/realms/civis/attack-detection/brute-force/users/" + id, null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.tokenClaims().get("preferred_username").asString()).isEqualTo(username);
    }

    @Test
    void wrongSecondFactorCodesCountToo(Platform platform) throws Exception {
        String username = OneTimeCodeIT.citizen(platform, "force.brute.code");
        KeycloakClient keycloak = new KeycloakClient(platform);
        LoginFlow login = new LoginFlow(platform, browser);

        login.start("eidas2");
        login.password(username, Citizens.PASSWORD);
        String code = Inboxes.awaitCode(() -> new Inboxes(platform).mailedCodes(username + "@civis.localhost"), 1);
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int attempt = 0; attempt < 5; attempt++) {
            login.submit("code", wrong, "civis-otp-submit");
            assertThat(login.fieldError("code")).startsWith("Code incorrect.");
        }
        assertThat(keycloak.get("/realms/civis/attack-detection/brute-force/users/" + userId(keycloak, username))
                .get("disabled").asBoolean()).isTrue();

        // Locked by the codes: the right password now gets the wrong-password message.
        login.forgetSession();
        login.start(null);
        login.password(username, Citizens.PASSWORD);
        assertThat(login.fieldError("username")).isEqualTo(WRONG_PASSWORD);
    }

    @Test
    void passwordPolicyWantsLengthAndNoCommonPasswordButNoCompositionRules(Platform platform) throws Exception {
        KeycloakClient keycloak = new KeycloakClient(platform);
        Citizens citizens = new Citizens(platform);

        assertThat(withPassword(keycloak, "mdp.court", "Court-1!")).isEqualTo(400);
        assertThat(withPassword(keycloak, "mdp.commun", "MotDePasse2026")).isEqualTo(400);
        assertThat(withPassword(keycloak, "mdp.identifiant", "mdp.identifiant")).isEqualTo(400);
        // A long passphrase of plain lowercase words and spaces is fine, as typed, up to 128 characters.
        String passphrase = " cheval agrafe batterie correcte ";
        assertThat(withPassword(keycloak, "mdp.phrase", passphrase)).isEqualTo(201);
        assertThat(withPassword(keycloak, "mdp.long", "x".repeat(64) + " une phrase encore plus longue")).isEqualTo(201);
        assertThat(citizens.keycloak().token("civis", Map.of("grant_type", "password", "client_id", "it-services",
                "client_secret", "it-client-secret-not-for-production", "username", "mdp.phrase",
                "password", passphrase))).isNotBlank();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> citizens.keycloak().token("civis",
                Map.of("grant_type", "password", "client_id", "it-services",
                        "client_secret", "it-client-secret-not-for-production", "username", "mdp.phrase",
                        "password", passphrase.strip())))).isInstanceOf(IllegalStateException.class);
    }

    private static int withPassword(KeycloakClient keycloak, String username, String password) throws Exception {
        return keycloak.post("/realms/civis/users", Map.of("username", username, "enabled", true,
                "email", username + "@civis.localhost", "emailVerified", true, "firstName", "Test", "lastName", "Mdp",
                "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))));
    }

    private static String userId(KeycloakClient keycloak, String username) throws Exception {
        return keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
    }
}
