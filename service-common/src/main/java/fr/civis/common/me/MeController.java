package fr.civis.common.me;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;

@RestController
@Tag(name = "Identité", description = "Qui appelle le service")
public class MeController {

    /** Any person of the realm; a service knows who it is. */
    @GetMapping("/api/v1/me")
    @Caller({CallerKind.CITIZEN, CallerKind.AGENT, CallerKind.DPO, CallerKind.ADMIN})
    @Operation(summary = "Renvoie l'identité de l'appelant : identifiant, rôles et niveau d'authentification.",
            security = @SecurityRequirement(name = "bearer"))
    public Me me(@AuthenticationPrincipal Jwt token) {
        return Me.of(token);
    }
}
