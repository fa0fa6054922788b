package fr.civis.vault.safe;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.CityTime;
import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.common.security.EidasLevel;
import fr.civis.common.security.RequiresLevel;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.consent.CitizenConsents;
import fr.civis.vault.document.DocumentService;
import fr.civis.vault.web.WrittenBody;

/**
 * The caller's safe as a whole. Taking everything out (export) and changing whether the safe lives (closing it,
 * cancelling the closure) demand a login with a second factor: a stolen password alone must neither carry the whole
 * safe away in one request, nor destroy it, nor keep alive a safe its owner asked to destroy.
 */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Coffre", description = "L'état du coffre de l'appelant")
class SafeController {

    private final DocumentService documents;
    private final Safes safes;
    private final SafeExport export;
    private final ExportRateLimiter exportLimiter;
    private final CitizenConsents consents;
    private final Clock clock;

    SafeController(DocumentService documents, Safes safes, SafeExport export, ExportRateLimiter exportLimiter,
            CitizenConsents consents, Clock clock) {
        this.consents = consents;
        this.clock = clock;
        this.documents = documents;
        this.safes = safes;
        this.export = export;
        this.exportLimiter = exportLimiter;
    }

    /**
     * @param status             {@code OPEN}; {@code NOTICE}: a closure decided by the city starts at
     *                           {@code retrievalOnlyFrom}; {@code CLOSING}: retrieval-only until {@code retrievalOnlyUntil}
     * @param retrievalOnlyUntil when the keys of a closing safe are destroyed
     */
    record SafeStatus(SafeStates.Status status, Instant retrievalOnlyFrom, Instant retrievalOnlyUntil, long documents,
            long usedBytes, long quotaBytes, int maxDocuments) {
    }

    @GetMapping("/api/v1/me/safe")
    @Operation(summary = "État du coffre : ouvert ou en fermeture, nombre de documents, place utilisée et limites.")
    SafeStatus safe(Owner owner) {
        return status(owner);
    }

    @DeleteMapping("/api/v1/me/safe")
    @RequiresLevel(EidasLevel.EIDAS2)
    @Operation(summary = "Ferme le coffre : il reste consultable (lecture et export seulement) pendant la période "
            + "de grâce (30 jours par défaut), puis toutes ses clés sont détruites et les documents illisibles.")
    ResponseEntity<SafeStatus> close(Owner owner) {
        safes.close(owner);
        return ResponseEntity.accepted().body(status(owner));
    }

    @PostMapping("/api/v1/me/safe/reopen")
    @RequiresLevel(EidasLevel.EIDAS2)
    @Operation(summary = "Annule la fermeture que l'habitant a demandée, pendant la période de grâce.")
    SafeStatus reopen(Owner owner) {
        safes.reopen(owner, false);
        return status(owner);
    }

    SafeStatus status(Owner owner) {
        SafeStates.State state = safes.state(owner);
        DocumentService.Usage usage = documents.usage(owner);
        return new SafeStatus(state.status(), state.retrievalOnlyFrom(), state.retrievalOnlyUntil(), usage.documents(),
                usage.usedBytes(),
                usage.quotaBytes(), usage.maxDocuments());
    }

    @GetMapping("/api/v1/me/export")
    @RequiresLevel(EidasLevel.EIDAS2)
    @Operation(summary = "Tout le coffre en une archive ZIP : documents, métadonnées JSON, consentements, reçus signés, "
            + "historique des accès, manifeste SHA-256.",
            description = "Gratuit et illimité ; seul un usage abusif est refusé (429 export-rate-limited).")
    ResponseEntity<WrittenBody> export(Owner owner, Citizen citizen) {
        if (!exportLimiter.tryAcquire(owner.subject())) {
            throw new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "export-rate-limited");
        }
        // Before the first byte. Without consent-service the archive still holds every document and says what it lacks.
        Optional<CitizenConsents.History> history = consents.historyIfAvailable(citizen);
        String filename = "mon-coffre-" + CityTime.today(clock) + ".zip";
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(out -> export.write(owner, history, out));
    }
}
