package fr.civis.consent.dpo;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

import fr.civis.common.security.CivisSecurityProperties;

/**
 * The console's page and its public configuration (what the portal's {@code login.js} needs to leave for Keycloak),
 * read before sign-in like the portal's {@code /portal/config}.
 */
@Controller
class ConsoleConfigController {

    record ConsoleConfig(String issuer, String clientId, String redirectUri, String authorizationEndpoint,
            String tokenEndpoint, String endSessionEndpoint) {
    }

    private final ConsoleConfig config;

    ConsoleConfigController(DpoProperties settings, CivisSecurityProperties security) {
        String oidc = security.issuer() + "/protocol/openid-connect";
        this.config = new ConsoleConfig(security.issuer().toString(), settings.clientId(),
                settings.redirectUri().toString(), oidc + "/auth", oidc + "/token", oidc + "/logout");
    }

    @GetMapping("/dpo")
    String slash() {
        return "redirect:/dpo/";
    }

    @GetMapping("/dpo/")
    String page() {
        return "forward:/dpo/index.html";
    }

    @GetMapping("/dpo/config")
    @ResponseBody
    ResponseEntity<ConsoleConfig> config() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(config);
    }
}
