package fr.civis.mairie;

import java.net.URI;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the app lives and whom it talks to, and what it asks citizens for.
 *
 * @param url           the app's own public address, as registered in Keycloak (login and release return URIs
 *                      derive from it)
 * @param issuer        the {@code civis} realm
 * @param clientId      the app's Keycloak client, which is also its recipient id in the release API
 * @param clientSecret  that client's secret
 * @param vaultUrl      the vault's API, called server to server
 * @param portalUrl     the citizen portal, where the browser goes to decide
 * @param purpose       the purpose code declared for this client in the realm ({@code civis.recipient})
 * @param documentTypes the paper types asked for, among those the purpose declares
 * @param duration      how long the consent is asked for, within the purpose's maximum
 * @param secureCookies mark the session cookie {@code Secure} (behind HTTPS, always in production)
 * @param zone          the city's time zone, for dates shown to people
 */
@Validated
@ConfigurationProperties("civis.mairie")
public record MairieProperties(
        @NotNull URI url,
        @NotNull URI issuer,
        @NotBlank String clientId,
        @NotBlank String clientSecret,
        @NotNull URI vaultUrl,
        @NotNull URI portalUrl,
        @NotBlank String purpose,
        @NotEmpty List<@NotBlank String> documentTypes,
        @NotNull Period duration,
        @DefaultValue("false") boolean secureCookies,
        @DefaultValue("Europe/Paris") ZoneId zone) {

    /** Where the portal sends the citizen back with the consent id: a registered redirect URI of the client. */
    public String returnUri() {
        return trimmed(url) + "/callback";
    }

    /** Scheme, host and port, for the Content-Security-Policy. */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** Without a trailing slash. */
    public static String trimmed(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
