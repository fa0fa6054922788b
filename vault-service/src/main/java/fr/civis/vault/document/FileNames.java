package fr.civis.vault.document;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Original filenames as the citizen will see them again on download: a name with a path in it is refused outright
 * (it is either a mistake or an attack); otherwise invisible and reserved characters go, the extension follows
 * the sniffed type.
 */
final class FileNames {

    static final int MAX_LENGTH = 200;
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}]");
    private static final Pattern RESERVED = Pattern.compile("[<>:\"|?*]");

    private FileNames() {
    }

    /** Empty when the name carries a path (separators, {@code ..}) or control characters. */
    static Optional<String> sanitize(String original, String contentType) {
        String name = original == null ? "" : Normalizer.normalize(original, Normalizer.Form.NFC).strip();
        boolean carriesPath = name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".");
        if (carriesPath || CONTROL.matcher(name).find()) {
            return Optional.empty();
        }
        name = RESERVED.matcher(name).replaceAll("_").replaceAll("\\s+", " ").replaceFirst("^\\.+", "");
        int dot = name.lastIndexOf('.');
        String base = (dot > 0 ? name.substring(0, dot) : name).strip();
        if (base.isEmpty()) {
            base = "document";
        }
        String extension = "." + ContentSniffer.extensionOf(contentType);
        if (base.length() + extension.length() > MAX_LENGTH) {
            base = base.substring(0, MAX_LENGTH - extension.length());
        }
        return Optional.of(base + extension);
    }
}
