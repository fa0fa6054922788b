package fr.civis.vault.document;

import java.util.Arrays;
import java.util.Optional;

/** The papers municipal procedures ask for; the code is what the API and the pages exchange. */
public enum DocumentType {
    PIECE_IDENTITE("piece-identite"),
    JUSTIFICATIF_DOMICILE("justificatif-domicile"),
    ACTE_NAISSANCE("acte-naissance"),
    ACTE_MARIAGE("acte-mariage"),
    ACTE_DECES("acte-deces"),
    LIVRET_FAMILLE("livret-famille"),
    AVIS_IMPOSITION("avis-imposition"),
    ATTESTATION_CAF("attestation-caf"),
    RIB("rib"),
    AUTRE("autre");

    private final String code;

    DocumentType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<DocumentType> fromCode(String code) {
        return Arrays.stream(values()).filter(type -> type.code.equals(code)).findFirst();
    }
}
