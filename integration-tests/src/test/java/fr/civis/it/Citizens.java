package fr.civis.it;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Citizens of the test realm and their access tokens, obtained from the real Keycloak through a test-only client
 * with direct grants (the portal's client allows none).
 */
final class Citizens {

    static final String PASSWORD = "coffre-demo-2026";
    static final String CLIENT = "it-services";
    static final String SECRET = "it-client-secret-not-for-production";

    private final Platform platform;
    private final KeycloakClient keycloak;

    Citizens(Platform platform) throws Exception {
        this.platform = platform;
        this.keycloak = new KeycloakClient(platform);
        keycloak.ensure("/realms/civis/clients", directGrantClient(CLIENT, Map.of(), true));
    }

    KeycloakClient keycloak() {
        return keycloak;
    }

    /** A citizen account created for this run (role citizen through the realm's default roles). */
    String create(String username) throws Exception {
        keycloak.ensure("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", username, "email", username + "@civis.localhost",
                "emailVerified", true,
                "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        return username;
    }

    /**
     * A citizen account with an authenticator app: Keycloak asks them to set it up at their first login, which the
     * returned login performs (reading the secret from the enrolment page), so every later login can add the code.
     */
    HttpLogin createWithTotp(String username) throws Exception {
        keycloak.ensure("/realms/civis/users", Map.of("username", username, "enabled", true,
                "firstName", "Test", "lastName", username, "email", username + "@civis.localhost",
                "emailVerified", true, "requiredActions", List.of("CONFIGURE_TOTP"),
                "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        HttpLogin login = new HttpLogin(platform, username, PASSWORD);
        login.accessToken(null);
        if (login.totp() == null) {
            throw new AssertionError("Keycloak did not ask " + username + " to set up an authenticator app");
        }
        return login;
    }

    /**
     * An access token at {@code eidas2} for a new citizen: enrolled in TOTP, then stepped up through the portal's
     * login with {@code acr_values=eidas2} (password, then the code), as the vault's sensitive acts require.
     */
    String eidas2Token(String username) throws Exception {
        String token = createWithTotp(username).accessToken("eidas2");
        if (!"eidas2".equals(HttpLogin.claims(token).get("acr").asString())) {
            throw new AssertionError("Keycloak gave " + username + " a token at " + HttpLogin.claims(token).get("acr"));
        }
        return token;
    }

    /**
     * An access token for a new member of staff holding {@code role} (agent, dpo, admin): staff never get one for the
     * password alone, so this logs in through the portal's login, choosing and enrolling an authenticator app.
     */
    String staffToken(String username, String role) throws Exception {
        return staff(username, role).accessToken(null);
    }

    /**
     * A new member of staff holding {@code role}, not logged in yet: their first login (any level) chooses and enrols
     * an authenticator app, which later logins (a step-up to eidas2, a browser's) use.
     */
    HttpLogin staff(String username, String role) throws Exception {
        create(username);
        String id = keycloak.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
        JsonNode granted = keycloak.get("/realms/civis/roles/" + role);
        keycloak.send("POST", "/realms/civis/users/" + id + "/role-mappings/realm",
                List.of(Map.of("id", granted.get("id").asString(), "name", role)));
        return new HttpLogin(platform, username, PASSWORD);
    }

    /** A token for the password alone, through the tests' direct-grant client: only for accounts without a second factor. */
    String token(String username) throws Exception {
        return token("civis", CLIENT, username);
    }

    /**
     * The token endpoint's whole answer (access and refresh tokens) for this password through the tests' direct-grant
     * client; an {@link IllegalStateException} when Keycloak refuses it (a wrong password, a locked account).
     */
    JsonNode passwordGrant(String username, String password) throws Exception {
        return keycloak.tokens("civis", Map.of("grant_type", "password", "client_id", CLIENT, "client_secret", SECRET,
                "username", username, "password", password, "scope", "openid"));
    }

    /** Ends the Keycloak session of a refresh token obtained through the tests' client (a logout event). */
    void logout(String refreshToken) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(platform.settings().issuer() + "/protocol/openid-connect/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(KeycloakClient.form(Map.of(
                        "client_id", CLIENT, "client_secret", SECRET, "refresh_token", refreshToken))))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IllegalStateException("Logout answered " + response.statusCode() + ": " + response.body());
        }
    }

    String token(String realm, String clientId, String username) throws Exception {
        return keycloak.token(realm, Map.of("grant_type", "password", "client_id", clientId, "client_secret", SECRET,
                "username", username, "password", PASSWORD, "scope", "openid"));
    }

    /** A confidential client with direct grants, whose tokens name our services as audience when asked. */
    static Map<String, Object> directGrantClient(String clientId, Map<String, String> attributes,
            boolean namesOurServices) {
        List<Map<String, Object>> mappers = !namesOurServices ? List.of() : Stream.of("civis-vault", "civis-consent")
                .map(audience -> Map.<String, Object>of("name", "audience " + audience, "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.custom.audience", audience, "access.token.claim", "true")))
                .toList();
        return Map.of("clientId", clientId, "enabled", true, "publicClient", false, "secret", SECRET,
                "standardFlowEnabled", false, "directAccessGrantsEnabled", true,
                "attributes", attributes, "protocolMappers", mappers);
    }
}
