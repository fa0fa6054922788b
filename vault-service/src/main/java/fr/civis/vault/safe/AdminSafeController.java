package fr.civis.vault.safe;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.vault.citizen.Owner;

/** Closures decided by the city (e.g. long inactivity), for administrators only. */
@RestController
@Caller(CallerKind.ADMIN)
@Tag(name = "Administration des coffres", description = "Fermetures décidées par la ville (rôle admin)")
class AdminSafeController {

    private final Safes safes;
    private final SafeController citizenView;

    AdminSafeController(Safes safes, SafeController citizenView) {
        this.safes = safes;
        this.citizenView = citizenView;
    }

    @PostMapping("/api/v1/admin/safes/{subject}/closure")
    @Operation(summary = "Décide la fermeture d'un coffre : préavis par courriel (3 mois), puis 12 mois en "
            + "consultation seule, puis destruction des clés.")
    ResponseEntity<SafeController.SafeStatus> close(@PathVariable String subject) {
        Owner owner = new Owner(subject);
        if (!safes.closeByCity(owner)) {
            throw new ProblemException(HttpStatus.NOT_FOUND, "safe-not-found");
        }
        return ResponseEntity.accepted().body(citizenView.status(owner));
    }

    @DeleteMapping("/api/v1/admin/safes/{subject}/closure")
    @Operation(summary = "Annule la fermeture d'un coffre, quelle qu'en soit l'origine.")
    SafeController.SafeStatus cancel(@PathVariable String subject) {
        Owner owner = new Owner(subject);
        safes.reopen(owner, true);
        return citizenView.status(owner);
    }
}
