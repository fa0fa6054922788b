package fr.civis.consent.receipt;

import java.time.Clock;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import com.nimbusds.jose.jwk.ECKey;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;

/** The public keys of receipts (anyone) and their rotation (administrators). */
@RestController
@Tag(name = "Reçus", description = "Clés publiques des reçus de consentement et leur renouvellement")
class ReceiptKeyController {

    private final SigningKeys keys;
    private final ReceiptProperties settings;
    private final Clock clock;

    ReceiptKeyController(SigningKeys keys, ReceiptProperties settings, Clock clock) {
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = "application/jwk-set+json")
    @Operation(summary = "Clés publiques (JWKS) qui vérifient les reçus et les points de contrôle du journal, anciennes comprises")
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(settings.cacheTtl()).cachePublic())
                .contentType(MediaType.parseMediaType("application/jwk-set+json"))
                .body(keys.publicKeys().toJSONObject(true));
    }

    @Caller(CallerKind.ADMIN)
    @PostMapping("/api/v1/receipt-keys")
    @Operation(summary = "Nouvelle clé de signature (publiée tout de suite, utilisée après le délai de publication)")
    ResponseEntity<Map<String, Object>> rotate() {
        ECKey created = keys.rotate();
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("kid", created.getKeyID(),
                "usedFrom", clock.instant().plus(settings.publicationDelay()).toString()));
    }
}
