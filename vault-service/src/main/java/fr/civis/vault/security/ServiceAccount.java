package fr.civis.vault.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;

import fr.civis.common.security.CivisSecurityProperties;
import tools.jackson.databind.JsonNode;

/**
 * The vault's own client-credentials token (client {@code civis-vault}): for Keycloak's admin API (a citizen's
 * contact) and for consent-service (audience {@code civis-consent}). The token is reused until shortly before it
 * expires; it is never logged.
 */
@Component
public class ServiceAccount {

    /**
     * The vault's client in realm {@code civis}. The prefix stays {@code civis.directory} (env
     * {@code CIVIS_DIRECTORY_CLIENT_SECRET}), the name it had when the directory was its only use.
     */
    @ConfigurationProperties("civis.directory")
    public record Settings(@DefaultValue("civis-vault") @NotBlank String clientId, String clientSecret) {
    }

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private record Cached(String token, Instant renewAt) {
    }

    private final RestClient http;
    private final Settings settings;
    private final URI tokenEndpoint;
    private final Clock clock;
    private volatile Cached cached;

    ServiceAccount(RestClient.Builder http, Settings settings, CivisSecurityProperties security, Clock clock) {
        this.http = http.build();
        this.settings = settings;
        this.tokenEndpoint = URI.create(security.issuer() + "/protocol/openid-connect/token");
        this.clock = clock;
    }

    /** A valid access token of the vault's client; asks Keycloak for a new one when the last is about to expire. */
    public String accessToken() {
        Cached current = cached;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current.token();
        }
        if (settings.clientSecret() == null || settings.clientSecret().isBlank()) {
            throw new IllegalStateException("civis.directory.client-secret is not set: the vault has no service token");
        }
        var form = new LinkedMultiValueMap<String, String>();
        form.add("grant_type", "client_credentials");
        form.add("client_id", settings.clientId());
        form.add("client_secret", settings.clientSecret());
        Instant asked = clock.instant();
        JsonNode answer = http.post().uri(tokenEndpoint)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                .retrieve().body(JsonNode.class);
        if (answer == null || !answer.hasNonNull("access_token")) {
            throw new IllegalStateException("Keycloak gave the vault no access token");
        }
        long lifetime = answer.hasNonNull("expires_in") ? answer.get("expires_in").asLong() : 60;
        Instant renewAt = asked.plusSeconds(lifetime).minus(MARGIN);
        Cached fresh = new Cached(answer.get("access_token").asString(), renewAt);
        cached = fresh;
        return fresh.token();
    }

    public String clientId() {
        return settings.clientId();
    }
}
