package fr.civis.vault.masterkey;

import java.util.List;
import java.util.Optional;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.EidasLevel;
import fr.civis.common.security.RequiresLevel;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.MasterKeySources.Store;

/** Master keys and their rotation, for administrators at eidas2 (docs/adr/0016-master-key-rotation.md). */
@RestController
@Caller(CallerKind.ADMIN)
@RequiresLevel(EidasLevel.EIDAS2)
@Tag(name = "Clés maîtresses", description = "Rotation et retrait des clés maîtresses du coffre (rôle admin, eidas2)")
class AdminMasterKeyController {

    /** Master keys in use and the latest rotation. */
    record Overview(List<MasterKeyRotation.KeyInUse> keys, MasterKeyRotation.Progress rotation) {
    }

    /**
     * @param keyId    the new key's alias (PKCS#12) or label (PKCS#11)
     * @param store    {@code pkcs11} (default when an HSM is configured) or {@code pkcs12}
     * @param generate make the key first (inside the HSM, non-extractable); otherwise it must exist already
     */
    record RotationRequest(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}") String keyId,
            @Pattern(regexp = "pkcs11|pkcs12") String store, boolean generate) {
    }

    private final MasterKeyRotation rotation;
    private final MasterKeySources sources;

    AdminMasterKeyController(MasterKeyRotation rotation, MasterKeySources sources) {
        this.rotation = rotation;
        this.sources = sources;
    }

    @GetMapping("/api/v1/admin/master-keys")
    @Operation(summary = "Les clés maîtresses, le nombre de clés d'habitants sous chacune, et la dernière rotation "
            + "(avancement : lignes faites / total, débit).")
    Overview overview() {
        return new Overview(rotation.keys(), rotation.latest().orElse(null));
    }

    @PostMapping("/api/v1/admin/master-keys/rotation")
    @Operation(summary = "Rend courante une nouvelle clé maîtresse et lance, en arrière-plan, le réemballage de "
            + "toutes les clés d'habitants sous elle. Les clés et contenus des documents ne sont pas touchés.")
    ResponseEntity<MasterKeyRotation.Progress> start(@Valid @RequestBody RotationRequest request) {
        Store store = Optional.ofNullable(request.store()).map(Store::of)
                .orElse(sources.has(Store.PKCS11) ? Store.PKCS11 : Store.PKCS12);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(rotation.start(request.keyId(), store, request.generate()));
    }

    @PostMapping("/api/v1/admin/master-keys/{keyId}/retirement")
    @Operation(summary = "Retire une ancienne clé maîtresse : refusé tant qu'une clé d'habitant est encore "
            + "emballée sous elle, et pour la clé courante.")
    Overview retire(@PathVariable String keyId) {
        rotation.retire(keyId);
        return overview();
    }
}
