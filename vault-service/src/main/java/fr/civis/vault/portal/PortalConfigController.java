package fr.civis.vault.portal;

import java.util.Arrays;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.vault.document.DocumentLimits;
import fr.civis.vault.document.DocumentType;

/**
 * Tells the portal page where to log in and what the safe accepts: the page itself holds no address and no list the
 * server already knows (document types, size limit), so one build serves every city and the two never disagree.
 */
@RestController
@Tag(name = "Portail", description = "Configuration publique de la page « Mon coffre »")
class PortalConfigController {

    private final PortalConfig config;

    PortalConfigController(PortalProperties portal, CivisSecurityProperties security, DocumentLimits limits) {
        String oidc = security.issuer() + "/protocol/openid-connect";
        this.config = new PortalConfig(security.issuer().toString(), portal.clientId(),
                portal.redirectUri().toString(), oidc + "/auth", oidc + "/token", oidc + "/logout",
                security.issuer() + "/account/credentials", portal.cityName(),
                new Documents(Arrays.stream(DocumentType.values()).map(DocumentType::code).toList(),
                        limits.maxDocumentSize().toBytes()));
    }

    @GetMapping("/portal/config")
    @Operation(summary = "Adresses OpenID Connect, liste des moyens de connexion, nom de la ville, types de documents "
            + "et taille maximale utilisés par la page du portail.")
    PortalConfig config() {
        return config;
    }

    /**
     * {@code credentialsEndpoint}: Keycloak's account API, which lists the person's ways to sign in; {@code documents}:
     * what the safe accepts.
     */
    record PortalConfig(String issuer, String clientId, String redirectUri, String authorizationEndpoint,
            String tokenEndpoint, String endSessionEndpoint, String credentialsEndpoint, String cityName,
            Documents documents) {
    }

    /**
     * @param types    the document-type codes, in the order shown to people ({@code autre} last)
     * @param maxBytes the largest document accepted, in bytes (the upload is refused with 413 beyond)
     */
    record Documents(List<String> types, long maxBytes) {
    }
}
