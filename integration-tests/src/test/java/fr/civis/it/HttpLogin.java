package fr.civis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * One person's browser, without the browser: the portal's login (authorization code with PKCE on the public client
 * {@code civis-portal}) driven over plain HTTP against the real Keycloak, filling the real login pages of the
 * {@code civis} theme: password, TOTP enrolment (the secret read from the page), TOTP code. Much faster than
 * Chromium, for tests that need a token of a given level rather than the pages themselves. Keeps its cookies, so a
 * second login rides on the Keycloak session like a browser's would (a step-up then asks only for what is missing).
 */
final class HttpLogin {

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)\\s*=\\s*\"([^\"]*)\"");
    private static final int MAX_PAGES = 10;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** Keycloak's cookies, all on the realm's path of one host: a name-to-value map is the whole jar. */
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String issuer;
    private final String redirectUri;
    private final String username;
    private final String password;
    private Totp totp;
    private String enrolledSecret;

    HttpLogin(Platform platform, String username, String password) {
        this.issuer = platform.settings().issuer();
        this.redirectUri = platform.settings().portalUrl() + "/";
        this.username = username;
        this.password = password;
    }

    /** The secret of the last TOTP enrolment page as the page gave it, or null: for tests that look for leaks. */
    String enrolledSecret() {
        return enrolledSecret;
    }

    /** The authenticator app enrolled at the last TOTP enrolment page, or null if none was shown yet. */
    Totp totp() {
        return totp;
    }

    HttpLogin withTotp(Totp totp) {
        this.totp = totp;
        return this;
    }

    /** Logs in asking for {@code acrValues} (null: the realm's default level) and returns the access token. */
    String accessToken(String acrValues) throws Exception {
        String verifier = OAuthValues.random();
        String state = OAuthValues.random();
        Map<String, String> query = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", "civis-portal",
                "redirect_uri", redirectUri, "scope", "openid", "state", state, "nonce", OAuthValues.random(),
                "code_challenge", OAuthValues.s256Challenge(verifier),
                "code_challenge_method", "S256"));
        if (acrValues != null) {
            query.put("acr_values", acrValues);
        }
        String location = authorize(URI.create(issuer + "/protocol/openid-connect/auth?" + KeycloakClient.form(query)),
                redirectUri).location();
        return exchange(location, state, verifier);
    }

    /**
     * Where Keycloak sends this person back to a client, and how many of its pages they had to fill on the way.
     *
     * @param location the client's redirect URI with the code and state (or the error)
     * @param pages    login pages filled in: none when the Keycloak session already covered the request (SSO)
     */
    record Authorization(String location, int pages) {
    }

    /**
     * Follows an authorization request (of any client of the realm) through Keycloak, filling the login pages it
     * shows, until Keycloak sends the browser to {@code redirectUri}; keeps the cookies, so a request after a login
     * rides on the same Keycloak session.
     */
    Authorization authorize(URI authorizationRequest, String redirectUri) throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(authorizationRequest).GET());
        int filled = 0;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            String location = page.headers().firstValue("Location").orElse(null);
            if (page.statusCode() == 302 && location != null && location.startsWith(redirectUri)) {
                return new Authorization(location, filled);
            }
            if (page.statusCode() == 302 && location != null) {
                page = send(HttpRequest.newBuilder(URI.create(issuer).resolve(location)).GET());
                continue;
            }
            if (page.statusCode() != 200) {
                throw new AssertionError("Keycloak answered " + page.statusCode() + " during the login of " + username);
            }
            page = submit(page.body());
            filled++;
        }
        throw new AssertionError("The login of " + username + " did not end after " + MAX_PAGES + " pages");
    }

    /** Fills the login page's form with what this person knows or holds, and sends it. */
    private HttpResponse<String> submit(String html) throws Exception {
        Matcher forms = FORM.matcher(html);
        while (forms.find()) {
            Map<String, String> attributes = attributes(forms.group(1));
            Map<String, Map<String, String>> inputs = new LinkedHashMap<>();
            Matcher input = INPUT.matcher(forms.group(2));
            while (input.find()) {
                Map<String, String> field = attributes(input.group(1));
                if (field.containsKey("name")) {
                    inputs.putIfAbsent(field.get("name"), field);
                }
            }
            Map<String, String> values = new LinkedHashMap<>();
            inputs.forEach((name, field) -> {
                String type = field.getOrDefault("type", "text");
                if (!List.of("radio", "checkbox", "submit").contains(type) || field.containsKey("checked")) {
                    values.put(name, field.getOrDefault("value", ""));
                }
            });
            if (inputs.containsKey("password") && inputs.containsKey("username")) {
                values.put("username", username);
                values.put("password", password);
            } else if (inputs.containsKey("totpSecret")) {
                // Enrolment: the page shows the secret (here, its hidden field) that an app would scan.
                enrolledSecret = values.get("totpSecret");
                totp = Totp.fromFormSecret(enrolledSecret);
                values.put("totp", totp.freshCode());
                values.put("userLabel", "Application de test");
            } else if (inputs.containsKey("factor")) {
                // A member of staff without a second factor chooses one: the authenticator app, which this login enrols.
                values.put("factor", "app");
            } else if (inputs.containsKey("otp")) {
                if (totp == null) {
                    throw new AssertionError("Keycloak asks " + username + " for a TOTP code, but none is enrolled here");
                }
                values.put("otp", totp.freshCode());
            } else {
                continue;
            }
            String action = attributes.get("action").replace("&amp;", "&");
            return send(HttpRequest.newBuilder(URI.create(issuer).resolve(action))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(KeycloakClient.form(values))));
        }
        throw new AssertionError("A login page of " + username + " has no form this test knows how to fill: "
                + html.replaceAll("\\s+", " ").substring(0, Math.min(html.length(), 2000)));
    }

    private String exchange(String location, String state, String verifier) throws Exception {
        Map<String, String> callback = query(URI.create(location).getRawQuery());
        if (!state.equals(callback.get("state")) || !callback.containsKey("code")) {
            throw new AssertionError("Keycloak came back without a code for this login: " + callback.keySet()
                    + " " + callback.get("error"));
        }
        HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakClient.form(Map.of("grant_type", "authorization_code",
                        "code", callback.get("code"), "redirect_uri", redirectUri, "client_id", "civis-portal",
                        "code_verifier", verifier))))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = KeycloakClient.JSON.readTree(tokens.body());
        if (tokens.statusCode() != 200) {
            throw new AssertionError("Code exchange for " + username + " answered " + tokens.statusCode() + ": " + body.get("error"));
        }
        return body.get("access_token").asString();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals).trim();
            String value = pair.substring(equals + 1).trim();
            if (value.isEmpty() || header.toLowerCase().contains("max-age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    /** The payload of a token, for tests that check what Keycloak put in it. */
    static JsonNode claims(String jwt) {
        return KeycloakClient.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher attribute = ATTRIBUTE.matcher(tag);
        while (attribute.find()) {
            attributes.put(attribute.group(1).toLowerCase(), attribute.group(2).replace("&amp;", "&"));
        }
        // Boolean attributes (checked) carry no value.
        if (tag.matches("(?s).*\\schecked(\\s|/|$).*")) {
            attributes.put("checked", "");
        }
        return attributes;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

}
