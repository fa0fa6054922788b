package fr.civis.vault.document;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.parser.ParseContext;

/** Decides a document's type from its first bytes (Apache Tika's magic numbers), never from its name. */
final class ContentSniffer {

    /** Bytes Tika may look at; the stream must support mark/reset over that many. */
    static final int LOOKAHEAD = 64 * 1024;

    /** Accepted types and the extension a downloaded file gets. */
    private static final Map<String, String> ACCEPTED = Map.of(
            "application/pdf", "pdf",
            "image/jpeg", "jpg",
            "image/png", "png",
            "image/webp", "webp",
            "image/heic", "heic",
            "image/heif", "heif");

    private final Detector detector = MimeTypes.getDefaultMimeTypes();

    /**
     * The accepted media type of the content, or empty when it is anything else. Only the first bytes are looked
     * at, in memory: Tika's own stream could spool the plaintext to a temporary file.
     */
    Optional<String> acceptedType(InputStream markable) throws IOException {
        markable.mark(LOOKAHEAD);
        byte[] head = markable.readNBytes(LOOKAHEAD);
        markable.reset();
        MediaType type;
        try (TikaInputStream bytes = TikaInputStream.get(head)) {
            type = detector.detect(bytes, new Metadata(), new ParseContext());
        }
        String base = type.getBaseType().toString();
        return ACCEPTED.containsKey(base) ? Optional.of(base) : Optional.empty();
    }

    static String extensionOf(String contentType) {
        return ACCEPTED.getOrDefault(contentType, "bin");
    }
}
