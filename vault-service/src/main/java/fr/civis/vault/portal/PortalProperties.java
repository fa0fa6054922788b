package fr.civis.vault.portal;

import java.net.URI;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The citizen portal's OpenID Connect client.
 *
 * @param clientId    the public client registered in the realm (code + PKCE S256 only)
 * @param redirectUri where Keycloak sends the browser back; must equal one of the client's exact redirect URIs
 * @param cityName    shown in the page header and title
 */
@Validated
@ConfigurationProperties("civis.portal")
public record PortalProperties(@NotBlank String clientId, @NotNull URI redirectUri, @NotBlank String cityName) {
}
