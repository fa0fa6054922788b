package fr.civis.vault.document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import fr.civis.common.CityTime;
import fr.civis.common.problem.ProblemException;
import fr.civis.vault.citizen.CitizenKeys;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.Digests;
import fr.civis.vault.crypto.DocumentKey;
import fr.civis.vault.crypto.DocumentRef;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.SealBrokenException;
import fr.civis.vault.reminder.ReminderProperties;
import fr.civis.vault.storage.ObjectStore;
import fr.civis.vault.web.WrittenBody;

/**
 * The one way to read a document, whoever reads it (the owner's download, the export, a release to a service): find
 * it under its owner, open its key, stream its plaintext while checking every segment and, at the end, its SHA-256.
 * Every read names the owner: a document of someone else is never found, whatever its id.
 */
@Component
public class DocumentReader {

    private static final Logger log = LoggerFactory.getLogger(DocumentReader.class);
    static final String TITLE = "title";
    static final String FILENAME = "filename";
    private static final int COPY_BUFFER = 64 * 1024;

    private final DocumentRepository documents;
    private final CitizenKeys citizenKeys;
    private final Keyring keyring;
    private final ObjectStore store;
    private final DocumentLimits limits;
    private final ReminderProperties reminders;
    private final Clock clock;

    DocumentReader(DocumentRepository documents, CitizenKeys citizenKeys, Keyring keyring, ObjectStore store,
            DocumentLimits limits, ReminderProperties reminders, Clock clock) {
        this.reminders = reminders;
        this.documents = documents;
        this.citizenKeys = citizenKeys;
        this.keyring = keyring;
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * The plaintext of a document, with what a download response needs.
     *
     * @param sha256 of the plaintext, as stored at upload: what the body is checked against while it is written
     */
    public record Content(String contentType, long size, String filename, byte[] sha256, WrittenBody body) {
    }

    /**
     * What a document is, without opening anything: its owner, type, size and digest. For releases, which learn the
     * document's owner from the consent; the owner's own reads go through {@link #get} and {@link #content}.
     *
     * @param sha256 of the plaintext
     */
    public record Descriptor(Owner owner, UUID id, String type, String contentType, long size, byte[] sha256) {
    }

    public Optional<Descriptor> describe(UUID id) {
        return documents.findAnyOwner(id).map(row -> new Descriptor(new Owner(row.owner()), row.id(),
                row.type().code(), row.contentType(), row.size(), row.sha256()));
    }

    public DocumentPage list(Owner owner, Optional<DocumentType> type, int page, int size) {
        long total = documents.count(owner.subject(), type);
        List<DocumentRow> rows = documents.page(owner.subject(), type, page, size);
        // One unwrap of the citizen's key for the whole page, not one per document.
        CitizenKey citizenKey = rows.isEmpty() ? null : citizenKeys.keyOf(owner);
        var items = rows.stream().map(row -> view(citizenKey, row)).toList();
        return new DocumentPage(items, page, size, total, (total + size - 1) / size);
    }

    /**
     * The caller's documents whose title contains {@code query}, ignoring case and accents. Titles are sealed under
     * each document's key, so no index can hold them: every title of this citizen's safe (at most
     * {@code civis.documents.max-documents}) is opened here, in memory, for this request only.
     */
    public DocumentPage search(Owner owner, String query, Optional<DocumentType> type, int page, int size) {
        String needle = searchable(query);
        List<DocumentRow> rows = documents.all(owner.subject(), type);
        CitizenKey citizenKey = rows.isEmpty() ? null : citizenKeys.keyOf(owner);
        List<Document> found = rows.stream().map(row -> view(citizenKey, row))
                .filter(document -> searchable(document.title()).contains(needle)).toList();
        long total = found.size();
        List<Document> items = found.stream().skip((long) page * size).limit(size).toList();
        return new DocumentPage(items, page, size, total, (total + size - 1) / size);
    }

    /** Lower case, without accents: « Passeport » finds « passeport », « echeance » finds « Échéance ». */
    private static String searchable(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }

    public Document get(Owner owner, UUID id) {
        DocumentRow row = row(owner, id);
        return view(citizenKeys.keyOf(owner), row);
    }

    /**
     * The plaintext of a document. Up to {@code civis.documents.verify-before-sending}, it is read and checked whole
     * before the first byte leaves; larger ones are checked as they stream, and a failure cuts the stream.
     */
    public Content content(Owner owner, UUID id) throws IOException {
        DocumentRow row = row(owner, id);
        DocumentKey key = openKey(owner, row);
        String filename = openField(row, key, FILENAME, row.filenameSealed());
        if (row.size() <= limits.verifyBeforeSending().toBytes()) {
            ByteArrayOutputStream plaintext = new ByteArrayOutputStream((int) row.size());
            copyVerified(row, key, plaintext);
            byte[] verified = plaintext.toByteArray();
            return new Content(row.contentType(), row.size(), filename, row.sha256(), out -> out.write(verified));
        }
        return new Content(row.contentType(), row.size(), filename, row.sha256(), out -> copyVerified(row, key, out));
    }

    private void copyVerified(DocumentRow row, DocumentKey key, OutputStream out) throws IOException {
        try (InputStream sealed = store.get(row.objectName())) {
            InputStream plaintext;
            try {
                plaintext = key.openingStream(sealed, row.contentVersion());
            } catch (SealBrokenException broken) {
                throw corrupted(row, broken);
            }
            copyVerified(plaintext, row.sha256(), out, broken -> corrupted(row, broken));
        }
    }

    /**
     * Copies {@code plaintext} to {@code out} while hashing it, and holds its last read back until the digest is
     * known: a body whose digest is not {@code expected} never reaches its reader whole, even one streamed since its
     * first bytes. A read that fails (a segment that does not open) is the document's fault, hence {@code broken}; a
     * write that fails is the reader's (gone), and leaves as it came.
     */
    static void copyVerified(InputStream plaintext, byte[] expected, OutputStream out,
            Function<Exception, ProblemException> broken) throws IOException {
        MessageDigest sha256 = Digests.sha256();
        byte[] held = new byte[COPY_BUFFER];
        byte[] next = new byte[COPY_BUFFER];
        int heldLength = 0;
        while (true) {
            int read;
            try {
                read = plaintext.read(next);
            } catch (IOException unreadable) {
                throw broken.apply(unreadable);
            }
            if (read == -1) {
                break;
            }
            sha256.update(next, 0, read);
            out.write(held, 0, heldLength);
            byte[] written = held;
            held = next;
            next = written;
            heldLength = read;
        }
        if (!MessageDigest.isEqual(sha256.digest(), expected)) {
            throw broken.apply(null);
        }
        out.write(held, 0, heldLength);
    }

    static ProblemException corrupted(DocumentRow row, Exception cause) {
        log.error("Document {} failed its integrity check and was not served whole", row.id());
        return new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "document-corrupted", cause);
    }

    DocumentRow row(Owner owner, UUID id) {
        return documents.find(owner.subject(), id).orElseThrow(DocumentReader::notFound);
    }

    static ProblemException notFound() {
        return new ProblemException(HttpStatus.NOT_FOUND, "document-not-found");
    }

    DocumentKey openKey(Owner owner, DocumentRow row) {
        return openKey(citizenKeys.keyOf(owner), row);
    }

    private DocumentKey openKey(CitizenKey citizenKey, DocumentRow row) {
        try {
            return keyring.openDocumentKey(new DocumentRef(citizenKey.owner(), row.id()), row.wrappedKey(), citizenKey);
        } catch (SealBrokenException broken) {
            throw corrupted(row, broken);
        }
    }

    private static String openField(DocumentRow row, DocumentKey key, String field, byte[] sealed) {
        try {
            return key.openField(field, sealed);
        } catch (SealBrokenException broken) {
            throw corrupted(row, broken);
        }
    }

    /** The metadata as the citizen sees it, personal fields opened. */
    Document view(CitizenKey citizenKey, DocumentRow row) {
        DocumentKey key = openKey(citizenKey, row);
        return view(row, openField(row, key, TITLE, row.titleSealed()),
                openField(row, key, FILENAME, row.filenameSealed()));
    }

    /** The metadata as the citizen sees it, with the personal fields the caller has in clear already. */
    Document view(DocumentRow row, String title, String filename) {
        LocalDate today = CityTime.today(clock);
        boolean expired = row.validUntil() != null && row.validUntil().isBefore(today);
        boolean expiringSoon = row.validUntil() != null && !expired
                && !row.validUntil().isAfter(today.plusDays(reminders.soonDays()));
        return new Document(row.id(), row.type().code(), title, filename, row.contentType(), row.size(),
                HexFormat.of().formatHex(row.sha256()), row.createdAt(), row.updatedAt(), row.validUntil(), expired,
                expiringSoon);
    }

    Document view(Owner owner, DocumentRow row) {
        return view(citizenKeys.keyOf(owner), row);
    }
}
