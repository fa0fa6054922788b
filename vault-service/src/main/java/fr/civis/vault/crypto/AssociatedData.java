package fr.civis.vault.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Builds the associated data of every ciphertext of the package, so that none can be moved to another owner,
 * document, version or field. Format (version 1):
 *
 * <pre>
 *   "civis:v1:" label ":"  then the label's fields, in order, each either
 *     a string: u32 big-endian length of its UTF-8 bytes, then those bytes
 *     a UUID:   16 bytes (most then least significant half, big-endian)
 *     an int:   u32 big-endian
 *
 *   citizen-key       owner subject (string), master key id (string)
 *   document-key      owner subject (string), document id (UUID)
 *   document-content  owner subject (string), document id (UUID), content version (int)
 *   document-field    owner subject (string), document id (UUID), field name (string)
 * </pre>
 *
 * Labels are distinct and contain no ':', so the prefix tells the purpose; after it every field is
 * length-prefixed or fixed-size, so two different tuples never give the same bytes (a subject may contain ':').
 */
final class AssociatedData {

    private static final String PREFIX = "civis:v1:";

    private AssociatedData() {
    }

    /**
     * Refuses strings that UTF-8 cannot encode faithfully (an unpaired surrogate would become '?', and two
     * different strings the same bytes).
     */
    static String requireWellFormed(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " is not well-formed Unicode (unpaired surrogate)");
            }
        }
        return value;
    }

    static byte[] citizenKey(String owner, String masterKeyId) {
        return new Builder("citizen-key").string(owner).string(masterKeyId).bytes();
    }

    static byte[] documentKey(DocumentRef ref) {
        return new Builder("document-key").string(ref.owner()).uuid(ref.documentId()).bytes();
    }

    static byte[] documentContent(DocumentRef ref, int contentVersion) {
        return new Builder("document-content").string(ref.owner()).uuid(ref.documentId())
                .u32(contentVersion).bytes();
    }

    static byte[] documentField(DocumentRef ref, String fieldName) {
        return new Builder("document-field").string(ref.owner()).uuid(ref.documentId())
                .string(fieldName).bytes();
    }

    private static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(96);

        Builder(String label) {
            out.writeBytes((PREFIX + label + ":").getBytes(StandardCharsets.US_ASCII));
        }

        Builder string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u32(utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        Builder uuid(UUID value) {
            out.writeBytes(ByteBuffer.allocate(16).putLong(value.getMostSignificantBits())
                    .putLong(value.getLeastSignificantBits()).array());
            return this;
        }

        Builder u32(int value) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
