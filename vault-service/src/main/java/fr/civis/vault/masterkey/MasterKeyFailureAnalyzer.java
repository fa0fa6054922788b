package fr.civis.vault.masterkey;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused start for want of a master key as a plain, bilingual explanation rather than a stack trace. */
class MasterKeyFailureAnalyzer extends AbstractFailureAnalyzer<MasterKeyUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MasterKeyUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Vérifiez le HSM ou le magasin de clés (docs/adr/0016-master-key-rotation.md, README, section "
                        + "Production). / Check the HSM or the key store (docs/adr/0016-master-key-rotation.md, "
                        + "README, Production section).", cause);
    }
}
