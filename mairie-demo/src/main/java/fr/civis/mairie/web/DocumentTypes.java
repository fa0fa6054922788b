package fr.civis.mairie.web;

import java.util.Locale;
import java.util.Map;

/** How the pages name the vault's document types and sizes, in French. */
final class DocumentTypes {

    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("piece-identite", "Pièce d'identité"),
            Map.entry("justificatif-domicile", "Justificatif de domicile"),
            Map.entry("acte-naissance", "Acte de naissance"),
            Map.entry("acte-mariage", "Acte de mariage"),
            Map.entry("acte-deces", "Acte de décès"),
            Map.entry("livret-famille", "Livret de famille"),
            Map.entry("avis-imposition", "Avis d'imposition"),
            Map.entry("attestation-caf", "Attestation de la CAF"),
            Map.entry("rib", "Relevé d'identité bancaire"),
            Map.entry("autre", "Autre document"));

    private DocumentTypes() {
    }

    static String label(String code) {
        return code == null ? "Document" : LABELS.getOrDefault(code, code);
    }

    /** « 734 octets », « 98,3 Ko », « 2,4 Mo ». */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes < 2 ? " octet" : " octets");
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.FRANCE, "%.1f Ko", bytes / 1024.0);
        }
        return String.format(Locale.FRANCE, "%.1f Mo", bytes / (1024.0 * 1024));
    }
}
