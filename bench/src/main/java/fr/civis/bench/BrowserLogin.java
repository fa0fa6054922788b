package fr.civis.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser-like password login, as a new browser: a fresh cookie jar, GET the authorization endpoint (login page
 * rendered), POST the password form, follow the redirect to the callback, exchange the code (PKCE S256, confidential
 * client). Shared by the login benchmarks; {@link #createClientAndUsers} makes the client and accounts it uses.
 */
final class BrowserLogin {

    static final String CLIENT = "bench-login";
    static final String SECRET = "bench-login-secret-not-for-production";
    private static final String PASSWORD = "bench-coffre-2026";
    private static final String CALLBACK = "http://127.0.0.1:9/bench-callback";
    private static final Pattern ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|"
            + "<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"");
    /** The message a login page shows when it refuses (wrong password, locked account…). */
    private static final Pattern MESSAGE = Pattern.compile("(Invalid|Identifiant|incorrect|désactivé|disabled|expired|expiré)[^.]*\\.");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http;
    private final KeycloakHttp keycloakHttp;
    /** The address Keycloak writes into its pages (the first node's, {@code --hostname}), whichever node serves them. */
    private final String frontendUrl;

    BrowserLogin(HttpClient http, KeycloakHttp keycloakHttp, String frontendUrl) {
        this.http = http;
        this.keycloakHttp = keycloakHttp;
        this.frontendUrl = frontendUrl;
    }

    /** The bench client of {@code realm} and one account per virtual user ({@code bench.user.0}…), through the admin API. */
    static void createClientAndUsers(KeycloakHttp admin, String realm, int users) throws Exception {
        admin.create("/realms/" + realm + "/clients", """
                {"clientId":"%s","enabled":true,"publicClient":false,"secret":"%s","standardFlowEnabled":true,
                 "directAccessGrantsEnabled":false,"serviceAccountsEnabled":true,"redirectUris":["%s"],
                 "attributes":{"pkce.code.challenge.method":"S256"}}""".formatted(CLIENT, SECRET, CALLBACK));
        for (int i = 0; i < users; i++) {
            admin.create("/realms/" + realm + "/users", """
                    {"username":"bench.user.%1$d","enabled":true,"firstName":"Bench","lastName":"User %1$d",
                     "email":"bench.user.%1$d@civis.localhost","emailVerified":true,
                     "credentials":[{"type":"password","value":"%2$s","temporary":false}]}""".formatted(i, PASSWORD));
        }
    }

    /**
     * Logs {@code bench.user.<user>} into {@code realm} with every request sent to the Keycloak node at {@code node}.
     * The login form's action names the frontend address (node 1); it is sent to {@code node} instead, as a load
     * balancer with sticky sessions would: the node that opened the authentication session serves its form.
     */
    void login(String node, String realm, int user) throws Exception {
        String base = node + "/realms/" + realm + "/protocol/openid-connect";
        String verifier = random();
        String state = random();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> cookies = new LinkedHashMap<>();
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/auth?" + KeycloakHttp.form(Map.of(
                "response_type", "code", "client_id", CLIENT, "redirect_uri", CALLBACK, "scope", "openid",
                "state", state, "code_challenge", challenge, "code_challenge_method", "S256")))).GET(), cookies);
        Matcher action = ACTION.matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException(realm + ": no login form (HTTP " + page.statusCode() + ")");
        }
        String target = (action.group(1) != null ? action.group(1) : action.group(2)).replace("&amp;", "&");
        if (target.startsWith(frontendUrl + "/")) {
            target = node + target.substring(frontendUrl.length());
        }
        HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(target))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakHttp.form(Map.of("username", "bench.user." + user,
                        "password", PASSWORD)))), cookies);
        String location = posted.headers().firstValue("Location").orElse("");
        if (posted.statusCode() != 302 || !location.startsWith(CALLBACK)) {
            Matcher message = MESSAGE.matcher(posted.body().replaceAll("<[^>]*>", " "));
            throw new IllegalStateException(realm + ": the password of bench.user." + user + " was not accepted (HTTP "
                    + posted.statusCode() + (message.find() ? ": " + message.group().strip() : "") + ")");
        }
        Map<String, String> callback = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            callback.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        if (!state.equals(callback.get("state"))) {
            throw new IllegalStateException(realm + ": the callback does not answer this login");
        }
        keycloakHttp.token(node, realm, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", CALLBACK, "client_id", CLIENT, "client_secret", SECRET, "code_verifier", verifier));
    }

    /** Sends with this browser's cookies (all on the realm's path of one host) and keeps the ones Keycloak sets. */
    private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> cookies) throws Exception {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            cookies.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return response;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
