package fr.civis.vault.safe;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.vault.crypto.Owner;
import fr.civis.vault.document.DocumentService;

/** The caller's safe as a whole. */
@RestController
@Tag(name = "Coffre", description = "L'état du coffre de l'appelant")
class SafeController {

    private final DocumentService documents;

    SafeController(DocumentService documents) {
        this.documents = documents;
    }

    /**
     * @param status {@code OPEN}: closing the safe (décret 2018-853) is not offered yet, so every safe is open
     */
    record SafeStatus(String status, long documents, long usedBytes, long quotaBytes, int maxDocuments) {
    }

    @GetMapping("/api/v1/me/safe")
    @Operation(summary = "État du coffre : nombre de documents, place utilisée et limites.")
    SafeStatus safe(@AuthenticationPrincipal Jwt token) {
        DocumentService.Usage usage = documents.usage(new Owner(token.getSubject()));
        return new SafeStatus("OPEN", usage.documents(), usage.usedBytes(), usage.quotaBytes(), usage.maxDocuments());
    }
}
