package fr.civis.vault.portal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.CivisSecurityProperties;

/** Tells the portal page where to log in: the page itself holds no address, so one build serves every city. */
@RestController
@Tag(name = "Portail", description = "Configuration publique de la page « Mon coffre »")
class PortalConfigController {

    private final PortalConfig config;

    PortalConfigController(PortalProperties portal, CivisSecurityProperties security) {
        String oidc = security.issuer() + "/protocol/openid-connect";
        this.config = new PortalConfig(security.issuer().toString(), portal.clientId(),
                portal.redirectUri().toString(), oidc + "/auth", oidc + "/token", oidc + "/logout",
                security.issuer() + "/account/credentials", portal.cityName());
    }

    @GetMapping("/portal/config")
    @Operation(summary = "Adresses OpenID Connect, liste des moyens de connexion et nom de la ville utilisés par la "
            + "page du portail.")
    PortalConfig config() {
        return config;
    }

    /** {@code credentialsEndpoint}: Keycloak's account API, which lists the person's ways to sign in. */
    record PortalConfig(String issuer, String clientId, String redirectUri, String authorizationEndpoint,
            String tokenEndpoint, String endSessionEndpoint, String credentialsEndpoint, String cityName) {
    }
}
