package fr.civis.consent.recipient;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.problem.ProblemException;
import fr.civis.consent.security.Callers;

/** The registry of recipients, for the vault and for citizens (who choose whom to share with). */
@RestController
@Tag(name = "Destinataires", description = "Services qui peuvent recevoir des documents")
@Caller({CallerKind.SERVICE, CallerKind.CITIZEN})
class RecipientController {

    private final RecipientRegistry registry;
    private final Callers callers;

    RecipientController(RecipientRegistry registry, Callers callers) {
        this.registry = registry;
        this.callers = callers;
    }

    @GetMapping("/api/v1/recipients")
    @Operation(summary = "Les destinataires déclarés (coffre, habitant)")
    List<Recipient> all(@AuthenticationPrincipal Jwt token) {
        callers.requireVaultOrCitizen(token);
        return registry.all().stream().sorted(java.util.Comparator.comparing(Recipient::clientId)).toList();
    }

    @GetMapping("/api/v1/recipients/{clientId}")
    @Operation(summary = "Un destinataire (coffre, habitant)")
    Recipient one(@AuthenticationPrincipal Jwt token, @PathVariable String clientId) {
        callers.requireVaultOrCitizen(token);
        return registry.find(clientId).orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "recipient-not-found"));
    }
}
