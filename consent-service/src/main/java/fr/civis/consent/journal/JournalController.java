package fr.civis.consent.journal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;

/** Proof that the journal is intact, for the DPO and administrators. The verification itself is journaled. */
@RestController
@Tag(name = "Journal", description = "Journal inaltérable des consentements et des accès")
@Caller({CallerKind.DPO, CallerKind.ADMIN})
class JournalController {

    private final Journal journal;

    JournalController(Journal journal) {
        this.journal = journal;
    }

    @PostMapping("/api/v1/journal/verification")
    @Operation(summary = "Vérifie toute la chaîne et ses points de contrôle signés ; nomme la première entrée douteuse (dpo, admin)")
    Verification verify(@AuthenticationPrincipal Jwt token) {
        // @Caller let only a DPO or an administrator in, with their own token.
        String who = token.getSubject();
        Verification result = journal.verify();
        journal.append(JournalEntry.Event.of("verification").actor(who).reason(result.ok() ? null : result.reason()));
        return result;
    }
}
