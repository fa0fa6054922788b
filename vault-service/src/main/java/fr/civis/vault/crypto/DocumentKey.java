package fr.civis.vault.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.regex.Pattern;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;

/**
 * One document's data key, open in memory and bound to its {@link DocumentRef}. It seals the document's content,
 * as a stream, and its small personal fields (title, original file name), all with the same AES-256-GCM-HKDF
 * streaming key, under associated data built here from the ref: a ciphertext moved to another owner, document,
 * version or field does not open. Destroying the document's sealed key (see {@link Keyring#sealDocumentKey})
 * destroys all of them.
 *
 * <p>Obtained from {@link Keyring#newDocumentKey} or {@link Keyring#openDocumentKey}. Thread-safe. It never gives
 * out its key bytes, and its {@code toString} says nothing.
 */
public final class DocumentKey {

    /** Field names are constants of the code, never user input. */
    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private final DocumentRef ref;
    private final KeysetHandle keyset;
    private final StreamingAead streamingAead;

    DocumentKey(DocumentRef ref, KeysetHandle keyset, StreamingAead streamingAead) {
        this.ref = ref;
        this.keyset = keyset;
        this.streamingAead = streamingAead;
    }

    /** The document this key belongs to. */
    public DocumentRef ref() {
        return ref;
    }

    /**
     * Returns a stream that seals what is written to it into {@code ciphertextSink}, in segments, in constant
     * memory. Closing it writes the last segment and closes the sink; a stream not closed leaves a truncated
     * ciphertext, which does not open.
     *
     * @param contentVersion the version of the content (≥ 0), bound to the ciphertext
     */
    public OutputStream sealingStream(OutputStream ciphertextSink, int contentVersion) throws IOException {
        Objects.requireNonNull(ciphertextSink, "ciphertextSink");
        requireVersion(contentVersion);
        try {
            return streamingAead.newEncryptingStream(ciphertextSink,
                    AssociatedData.documentContent(ref, contentVersion));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the document key could not start a stream", e);
        }
    }

    /**
     * Returns a stream of the plaintext of a ciphertext made by {@link #sealingStream} for the same document and
     * version. It reads {@code ciphertextSource} one segment at a time, in constant memory, and gives out a
     * segment only once it is authenticated; a segment that is not, or a ciphertext that was truncated or
     * extended, throws {@link SealBrokenException} (the source's own I/O errors pass through unchanged).
     * Closing it closes the source.
     */
    public InputStream openingStream(InputStream ciphertextSource, int contentVersion) throws SealBrokenException {
        requireVersion(contentVersion);
        return OpeningStream.open(streamingAead, ciphertextSource,
                AssociatedData.documentContent(ref, contentVersion), "document content");
    }

    /**
     * Seals a small personal field of the document (title, original file name), bound to this document and
     * {@code fieldName}.
     *
     * @param fieldName a constant of the code, {@code [a-z][a-z0-9._-]{0,63}}, such as {@code "title"}
     * @param value     any well-formed Unicode text, empty included
     */
    public byte[] sealField(String fieldName, String value) {
        byte[] associatedData = AssociatedData.documentField(ref, requireFieldName(fieldName));
        byte[] plaintext = encode(Objects.requireNonNull(value, "value"));
        ByteArrayOutputStream sealed = new ByteArrayOutputStream(plaintext.length + 64);
        try (OutputStream out = streamingAead.newEncryptingStream(sealed, associatedData)) {
            out.write(plaintext);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not with a ByteArrayOutputStream
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the document key could not seal a field", e);
        }
        return sealed.toByteArray();
    }

    /** Opens a field sealed by {@link #sealField} for this document under the same field name. */
    public String openField(String fieldName, byte[] sealedValue) throws SealBrokenException {
        byte[] associatedData = AssociatedData.documentField(ref, requireFieldName(fieldName));
        Objects.requireNonNull(sealedValue, "sealedValue");
        String what = "document field '" + fieldName + "'";
        byte[] plaintext;
        try (InputStream in = OpeningStream.open(streamingAead, new ByteArrayInputStream(sealedValue),
                associatedData, what)) {
            plaintext = in.readAllBytes();
        } catch (SealBrokenException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not with a ByteArrayInputStream
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plaintext)).toString();
        } catch (CharacterCodingException e) {
            throw new SealBrokenException(what, "its content is not UTF-8");
        }
    }

    /** Says nothing about the key nor the document. */
    @Override
    public String toString() {
        return "DocumentKey[sealed]";
    }

    /** For the package: sealing this key under a citizen key. */
    KeysetHandle keyset() {
        return keyset;
    }

    private static void requireVersion(int contentVersion) {
        if (contentVersion < 0) {
            throw new IllegalArgumentException("the content version must be ≥ 0: " + contentVersion);
        }
    }

    private static String requireFieldName(String fieldName) {
        Objects.requireNonNull(fieldName, "fieldName");
        if (!FIELD_NAME.matcher(fieldName).matches()) {
            throw new IllegalArgumentException("a field name must match " + FIELD_NAME.pattern() + ": " + fieldName);
        }
        return fieldName;
    }

    private static byte[] encode(String value) {
        try {
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[utf8.remaining()];
            utf8.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the field value is not well-formed Unicode (unpaired surrogate)");
        }
    }
}
