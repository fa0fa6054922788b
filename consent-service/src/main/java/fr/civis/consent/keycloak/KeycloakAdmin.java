package fr.civis.consent.keycloak;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;

import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.consent.recipient.RecipientProperties;
import tools.jackson.databind.JsonNode;

/**
 * Keycloak's admin API for the realm, read with this service's own service account (client credentials): the
 * clients (the recipient registry, realm-management {@code view-clients}) and a citizen's account (the DPO's reveal
 * and the access e-mail, {@code view-users}). The token is kept until shortly before it expires.
 */
@Component
public class KeycloakAdmin {

    private record Token(String value, Instant expiresAt) {
    }

    private final RestClient http;
    private final RecipientProperties account;
    private final CivisSecurityProperties security;
    private final Clock clock;
    private Token token;

    public KeycloakAdmin(RestClient.Builder http, RecipientProperties account, CivisSecurityProperties security,
            Clock clock) {
        this.http = http.build();
        this.account = account;
        this.security = security;
        this.clock = clock;
    }

    /** GET {@code path} under the realm's admin address ({@code /clients?first=0}, {@code /users/{id}}). */
    public JsonNode get(String path) {
        String admin = security.issuer().toString().replace("/realms/", "/admin/realms/");
        return http.get().uri(URI.create(admin + path))
                .header("Authorization", "Bearer " + accessToken())
                .retrieve().body(JsonNode.class);
    }

    private synchronized String accessToken() {
        Instant now = clock.instant();
        if (token != null && token.expiresAt().isAfter(now)) {
            return token.value();
        }
        if (account.clientSecret() == null || account.clientSecret().isBlank()) {
            throw new IllegalStateException("civis.recipients.client-secret is not set: Keycloak cannot be read");
        }
        var form = new LinkedMultiValueMap<String, String>();
        form.add("grant_type", "client_credentials");
        form.add("client_id", account.clientId());
        form.add("client_secret", account.clientSecret());
        JsonNode answer = http.post().uri(security.issuer() + "/protocol/openid-connect/token")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                .retrieve().body(JsonNode.class);
        if (answer == null || !answer.hasNonNull("access_token")) {
            throw new IllegalStateException("Keycloak gave no access token");
        }
        long lifetime = answer.path("expires_in").asLong(60);
        token = new Token(answer.get("access_token").asString(), now.plusSeconds(Math.max(5, lifetime - 30)));
        return token.value();
    }
}
