package fr.civis.vault.document;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.DocumentKey;
import fr.civis.vault.crypto.DocumentRef;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.Digests;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.citizen.CitizenKeys;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.scanning.VirusScanner;
import fr.civis.vault.storage.ObjectStore;
import fr.civis.vault.storage.ObjectUpload;
import fr.civis.vault.storage.StorageUnavailableException;

/**
 * Stores citizens' documents and keeps their books (changes, deletion, usage); reading them is
 * {@link DocumentReader}'s. Crash safety comes from the order of writes: the sealed object is complete
 * in S3 before its row is committed, so a row never points to a missing object; an object whose row never came is
 * swept later ({@link OrphanSweeper}).
 */
@Service
public class DocumentService {

    private static final Logger log = LoggerFactory.getLogger(DocumentService.class);
    private static final int CONTENT_VERSION = 1;
    private static final String TITLE = DocumentReader.TITLE;
    private static final String FILENAME = DocumentReader.FILENAME;

    private final DocumentRepository documents;
    private final CitizenKeys citizenKeys;
    private final Keyring keyring;
    private final ObjectStore store;
    private final DocumentLimits limits;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final VirusScanner scanner;
    private final SafeStates safes;
    private final ContentSniffer sniffer = new ContentSniffer();
    private final DocumentReader reader;
    private final ApplicationEventPublisher events;

    DocumentService(DocumentRepository documents, CitizenKeys citizenKeys, Keyring keyring, ObjectStore store,
            VirusScanner scanner, SafeStates safes, DocumentLimits limits, TransactionTemplate transaction, Clock clock,
            DocumentReader reader, ApplicationEventPublisher events) {
        this.reader = reader;
        this.events = events;
        this.scanner = scanner;
        this.safes = safes;
        this.documents = documents;
        this.citizenKeys = citizenKeys;
        this.keyring = keyring;
        this.store = store;
        this.limits = limits;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** A sealed content complete in S3, not yet visible: {@link #commit} makes it a document, {@link #discard} drops it. */
    public record StagedContent(UUID id, String objectName, String contentType, long size, byte[] sha256,
            String filename, DocumentKey key, byte[] wrappedKey) {
    }

    /** What the citizen says of the document. */
    public record Description(DocumentType type, String title, LocalDate validUntil) {
    }

    public Optional<Document> findByIdempotencyKey(Owner owner, String idempotencyKey) {
        return documents.findByIdempotencyKey(owner.subject(), idempotencyKey)
                .map(row -> reader.view(owner, row));
    }

    /**
     * Sniffs, counts, digests and seals the content into S3 in one pass, memory bounded whatever the size.
     * The plaintext is scanned on the way; the object is completed in S3 only once clamd has found it clean.
     * Refuses (and leaves nothing behind) an infected document, a type outside the catalogue, a document over the
     * size limit or over the citizen's remaining quota, a filename carrying a path.
     */
    public StagedContent stage(Owner owner, String originalFilename, InputStream content) throws IOException {
        safes.requireWritable(owner);
        DocumentRepository.Usage usage = documents.usage(owner.subject());
        if (usage.documents() >= limits.maxDocuments() || usage.bytes() >= limits.quota().toBytes()) {
            throw limits.quotaExceeded();
        }
        long remainingQuota = limits.quota().toBytes() - usage.bytes();
        BufferedInputStream in = new BufferedInputStream(content, ContentSniffer.LOOKAHEAD);
        in.mark(1);
        if (in.read() == -1) {
            // No type, no content: say what is wrong rather than "unsupported format".
            throw new ProblemException(HttpStatus.BAD_REQUEST, "document-empty");
        }
        in.reset();
        try (VirusScanner.Scan scan = scanner.start()) {
            Optional<String> contentType = sniffer.acceptedType(in);
            if (contentType.isEmpty()) {
                // A virus says more than a wrong type: scan what was sent before refusing it.
                refuseIfInfected(drainInto(scan, in));
                throw new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-document-type");
            }
            String filename = FileNames.sanitize(originalFilename, contentType.get())
                    .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, "invalid-filename"));
            return seal(owner, filename, contentType.get(), in, scan, remainingQuota);
        }
    }

    /**
     * Each piece of content goes to the image inspector before the scanner: a picture whose header declares too many
     * pixels, or that hides compressed text, is refused before clamd holds it whole, so clamd never decodes it.
     */
    private StagedContent seal(Owner owner, String filename, String contentType, InputStream in, VirusScanner.Scan scan,
            long remainingQuota) throws IOException {
        ImageInspector image = ImageInspector.of(contentType, limits.maxImagePixels());

        UUID id = UUID.randomUUID();
        DocumentRef ref = new DocumentRef(owner.subject(), id);
        CitizenKey citizenKey = citizenKeys.keyOf(owner);
        DocumentKey key = keyring.newDocumentKey(ref);
        String objectName = ObjectStore.newObjectName();
        MessageDigest sha256 = Digests.sha256();

        ObjectUpload upload = store.upload(objectName);
        long size = 0;
        boolean complete = false;
        try {
            OutputStream sealing = key.sealingStream(upload, CONTENT_VERSION);
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) != -1; ) {
                size += read;
                if (size > limits.maxDocumentSize().toBytes()) {
                    throw limits.tooLarge();
                }
                if (size > remainingQuota) {
                    throw limits.quotaExceeded();
                }
                image.accept(buffer, 0, read);
                sha256.update(buffer, 0, read);
                scan.write(buffer, 0, read);
                sealing.write(buffer, 0, read);
            }
            image.finish();
            refuseIfInfected(scan.finish());
            // Closing writes the last segment: only now may S3 complete the object.
            sealing.close();
            upload.complete();
            complete = true;
        } finally {
            if (!complete) {
                abandon(upload, objectName);
            }
        }
        return new StagedContent(id, objectName, contentType, size, sha256.digest(), filename, key,
                keyring.sealDocumentKey(key, citizenKey));
    }

    private VirusScanner.Verdict drainInto(VirusScanner.Scan scan, InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int read; (read = in.read(buffer)) != -1; ) {
            size += read;
            if (size > limits.maxDocumentSize().toBytes()) {
                throw limits.tooLarge();
            }
            scan.write(buffer, 0, read);
        }
        return scan.finish();
    }

    private static void refuseIfInfected(VirusScanner.Verdict verdict) {
        if (verdict.infected()) {
            log.warn("Upload refused: antivirus signature {}", verdict.signature());
            throw new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "document-infected");
        }
    }

    /** Makes a staged content a document, or drops it and says why. */
    public Document commit(Owner owner, StagedContent staged, Description description, String idempotencyKey) {
        String title = Titles.clean(description.title());
        // As PostgreSQL keeps it: the answer to the upload shows the times a later read will show.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        DocumentRow row = new DocumentRow(staged.id(), owner.subject(), description.type(),
                staged.key().sealField(TITLE, title), staged.key().sealField(FILENAME, staged.filename()),
                staged.contentType(), staged.size(), staged.sha256(), staged.objectName(), CONTENT_VERSION,
                staged.wrappedKey(), description.validUntil(), idempotencyKey, now, now);
        try {
            transaction.executeWithoutResult(status -> {
                citizenKeys.lock(owner);
                safes.requireWritable(owner);
                DocumentRepository.Usage usage = documents.usage(owner.subject());
                if (usage.documents() >= limits.maxDocuments()
                        || usage.bytes() + staged.size() > limits.quota().toBytes()) {
                    throw limits.quotaExceeded();
                }
                documents.insert(row);
            });
        } catch (DuplicateKeyException sameRetry) {
            // A concurrent retry with the same Idempotency-Key won: this copy goes, the citizen gets that one.
            discard(staged);
            return findByIdempotencyKey(owner, idempotencyKey).orElseThrow();
        } catch (RuntimeException refused) {
            discard(staged);
            throw refused;
        }
        // The title and file name were sealed above from these very strings: no need to open them again.
        return reader.view(row, title, staged.filename());
    }

    public void discard(StagedContent staged) {
        deleteQuietly(staged.objectName());
    }

    /** How full the citizen's safe is. */
    public Usage usage(Owner owner) {
        DocumentRepository.Usage usage = documents.usage(owner.subject());
        return new Usage(usage.documents(), usage.bytes(), limits.maxDocuments(), limits.quota().toBytes());
    }

    public record Usage(long documents, long usedBytes, int maxDocuments, long quotaBytes) {
    }

    public Document update(Owner owner, UUID id, Optional<DocumentType> type, Optional<String> title,
            Optional<Optional<LocalDate>> validUntil) {
        safes.requireWritable(owner);
        DocumentRow row = reader.row(owner, id);
        DocumentKey key = reader.openKey(owner, row);
        byte[] sealedTitle = title.map(Titles::clean).map(clean -> key.sealField(TITLE, clean))
                .orElse(row.titleSealed());
        documents.update(owner.subject(), id, type.orElse(row.type()), sealedTitle,
                validUntil.orElse(Optional.ofNullable(row.validUntil())).orElse(null));
        return reader.get(owner, id);
    }

    /** Destroys the row, hence the wrapped key, then the object; a failed object removal is left to the sweeper. */
    public void delete(Owner owner, UUID id) {
        safes.requireWritable(owner);
        String objectName = transaction.execute(status -> {
            String deleted = documents.delete(owner.subject(), id).orElseThrow(DocumentReader::notFound);
            // In the same transaction: the releases of the document are owed an ending (ConsentOutbox).
            events.publishEvent(new DocumentDeleted(owner, id));
            return deleted;
        });
        deleteQuietly(objectName);
    }

    /**
     * Deletes every row of the citizen's documents, in the caller's transaction, and returns the objects they
     * named; remove them with {@link #deleteObjects} once that transaction has committed.
     */
    public List<String> deleteAllRows(Owner owner) {
        List<String> objects = documents.deleteAll(owner.subject());
        events.publishEvent(new DocumentDeleted(owner, null));
        return objects;
    }

    public void deleteObjects(List<String> objectNames) {
        objectNames.forEach(this::deleteQuietly);
    }

    /**
     * Makes sure nothing of an interrupted upload stays reachable: the parts sent are aborted, and the object is
     * removed in case its completion reached S3 but its answer did not.
     */
    private void abandon(ObjectUpload upload, String objectName) {
        upload.abort();
        deleteQuietly(objectName);
    }

    private void deleteQuietly(String objectName) {
        try {
            store.delete(objectName);
        } catch (StorageUnavailableException e) {
            log.warn("Object left for the orphan sweeper: removal failed ({})", e.getCause().getClass().getSimpleName());
        }
    }

}
