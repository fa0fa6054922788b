package fr.civis.common.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.jwk.source.JWKSourceBuilder;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which tokens a service accepts: only those the {@code civis} realm issued for this service.
 *
 * @param issuer      the realm's issuer, compared exactly with the token's {@code iss}
 * @param audience    this service's client id, which must appear in the token's {@code aud}
 * @param jwkSetUri   where the realm publishes its signing keys; Keycloak's path under the issuer when absent
 * @param clockSkew   tolerance on {@code exp}, {@code nbf} and {@code iat} for clocks that drift apart
 * @param keysCacheTime how long the realm's keys are used before they are fetched again (a key rotated in is
 *                    fetched at once anyway, at the first token that names it); far below the 15 minutes the keys
 *                    last fetched keep verifying tokens while Keycloak cannot be reached; at least 45 s
 * @param publicPaths request patterns served without a token (pages, their assets); everything else is denied
 *                    unless a controller maps it under {@code /api/}
 */
@Validated
@ConfigurationProperties("civis.security")
public record CivisSecurityProperties(
        @NotNull URI issuer,
        @NotBlank String audience,
        URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("5m") Duration keysCacheTime,
        @DefaultValue List<String> publicPaths) {

    /**
     * The key source fetches the keys again 30 s before their cache time runs out and gives that fetch 15 s: a
     * shorter cache time is refused by Nimbus when the service starts, with a message that does not name the setting.
     */
    static final Duration MIN_KEYS_CACHE_TIME = Duration.ofMillis(
            JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME + JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT);

    public CivisSecurityProperties {
        if (keysCacheTime != null && keysCacheTime.compareTo(MIN_KEYS_CACHE_TIME) < 0) {
            throw new IllegalArgumentException("civis.security.keys-cache-time (CIVIS_SECURITY_KEYS_CACHE_TIME) must be"
                    + " at least " + MIN_KEYS_CACHE_TIME.toSeconds() + " s, not " + keysCacheTime.toSeconds() + " s / doit"
                    + " valoir au moins " + MIN_KEYS_CACHE_TIME.toSeconds() + " s");
        }
    }

    public URI effectiveJwkSetUri() {
        return jwkSetUri != null ? jwkSetUri : URI.create(issuer + "/protocol/openid-connect/certs");
    }

    /** Scheme, host and port of the identity provider: the only other origin our pages may talk to. */
    public String issuerOrigin() {
        String port = issuer.getPort() == -1 ? "" : ":" + issuer.getPort();
        return issuer.getScheme() + "://" + issuer.getHost() + port;
    }
}
