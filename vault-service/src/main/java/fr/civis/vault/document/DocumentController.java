package fr.civis.vault.document;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.crypto.Digests;
import fr.civis.vault.web.WrittenBody;
import tools.jackson.databind.JsonNode;

/** The citizen's documents. The owner is always the token's subject; another citizen's id answers 404. */
@RestController
@RequestMapping("/api/v1/documents")
@Caller(CallerKind.CITIZEN)
@Tag(name = "Documents", description = "Les documents du coffre de l'appelant")
class DocumentController {

    /** Room for the form fields and multipart framing around the file. */
    private static final long FORM_OVERHEAD = 64 * 1024;
    private static final int MAX_FIELD_LENGTH = 1024;
    /** type, title, validUntil and the file: anything beyond is not a form of ours. */
    private static final int MAX_PARTS = 8;
    private static final int MAX_PART_HEADERS = 8 * 1024;
    private static final int MAX_PREVIEW_PAGE = 10_000;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{8,128}");

    private final DocumentService service;
    private final DocumentReader reader;
    private final DocumentLimits limits;
    private final DocumentPreview previews;

    DocumentController(DocumentService service, DocumentReader reader, DocumentLimits limits, DocumentPreview previews) {
        this.previews = previews;
        this.service = service;
        this.reader = reader;
        this.limits = limits;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Ajoute un document (multipart : type, title, validUntil facultatif, puis file).",
            description = "Le type est reconnu d'après le contenu (PDF, JPEG, PNG, WebP, HEIC). Un en-tête "
                    + "Idempotency-Key rejoué renvoie le même document. Erreurs : 413 document-too-large, "
                    + "415 unsupported-document-type, 409 quota-exceeded, 400 document-empty / invalid-request / invalid-filename "
                    + "/ invalid-title, 422 document-infected / image-too-many-pixels (au-delà de "
                    + "civis.documents.max-image-pixels, 50 mégapixels par défaut) / image-compressed-text (PNG avec "
                    + "zTXt ou iTXt compressé) / image-unreadable, 503 storage-unavailable.")
    ResponseEntity<Document> upload(Owner owner, HttpServletRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
        if (idempotencyKey != null) {
            if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-idempotency-key");
            }
            Optional<Document> replayed = service.findByIdempotencyKey(owner, idempotencyKey);
            if (replayed.isPresent()) {
                return ResponseEntity.ok(replayed.get());
            }
        }
        long maxRequest = limits.maxDocumentSize().toBytes() + FORM_OVERHEAD;
        if (request.getContentLengthLong() > maxRequest) {
            throw limits.tooLarge();
        }
        Map<String, String> fields = new HashMap<>();
        DocumentService.StagedContent staged = null;
        InputStream body = request.getInputStream();
        try {
            MultipartReader parts = new MultipartReader(body, request.getContentType(),
                    MAX_PART_HEADERS);
            int count = 0;
            for (Optional<MultipartReader.Part> next; (next = parts.next()).isPresent(); ) {
                MultipartReader.Part part = next.get();
                if (++count > MAX_PARTS) {
                    throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
                }
                if (!part.isFile()) {
                    fields.put(part.name(), readField(part.content()));
                } else if ("file".equals(part.name()) && staged == null) {
                    staged = service.stage(owner, part.filename().orElseThrow(), part.content());
                } else {
                    throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
                }
            }
        } catch (MultipartReader.MalformedMultipartException malformed) {
            discard(staged);
            drainQuietly(body, maxRequest);
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request", malformed);
        } catch (RuntimeException | IOException failed) {
            discard(staged);
            drainQuietly(body, maxRequest);
            throw failed;
        }
        if (staged == null) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        DocumentService.Description description;
        try {
            description = describe(fields);
        } catch (ProblemException invalid) {
            service.discard(staged);
            throw invalid;
        }
        Document document = service.commit(owner, staged, description, idempotencyKey);
        return ResponseEntity.created(URI.create("/api/v1/documents/" + document.id())).body(document);
    }

    @GetMapping
    @Operation(summary = "Liste les documents de l'appelant, du plus récent au plus ancien ; q : ceux dont le titre "
            + "contient ce texte (sans tenir compte des majuscules ni des accents).",
            description = "Erreur : 400 invalid-search (q vide, trop long ou avec des caractères invisibles).")
    DocumentPage list(Owner owner, @RequestParam(required = false) String type,
            @RequestParam(required = false) String q,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > 100) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        Optional<DocumentType> filter = type == null ? Optional.empty() : Optional.of(documentType(type));
        if (q != null) {
            return reader.search(owner, Titles.query(q), filter, page, size);
        }
        return reader.list(owner, filter, page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Métadonnées d'un document.")
    Document get(Owner owner, @PathVariable UUID id) {
        return reader.get(owner, id);
    }

    @GetMapping("/{id}/content")
    @Operation(summary = "Contenu d'un document, vérifié (SHA-256) à la lecture, avec Repr-Digest (RFC 9530).")
    ResponseEntity<WrittenBody> content(Owner owner, @PathVariable UUID id)
            throws IOException {
        DocumentReader.Content content = reader.content(owner, id);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(content.contentType()))
                .contentLength(content.size())
                // The digest kept since the upload: the bytes are checked against it as they go, and a client can too.
                .header("Repr-Digest", Digests.reprDigest(content.sha256()))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(content.filename(), StandardCharsets.UTF_8).build().toString())
                // The document is shown by the browser's own viewer at most, never run as a page of ours.
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(content.body());
    }

    @GetMapping("/{id}/preview")
    @Operation(summary = "Aperçu d'une page : l'image elle-même (JPEG, PNG, WebP) ou la page d'un PDF rendue en PNG.",
            description = "L'en-tête Civis-Page-Count donne le nombre de pages. Erreurs : 404 document-not-found, "
                    + "422 preview-unavailable (HEIC, PDF protégé ou illisible, page hors du document), "
                    + "422 preview-too-long (page trop longue à dessiner), "
                    + "503 preview-busy.")
    ResponseEntity<byte[]> preview(Owner owner, @PathVariable UUID id, @RequestParam(defaultValue = "1") int page)
            throws IOException {
        if (page < 1 || page > MAX_PREVIEW_PAGE) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        DocumentPreview.Preview preview = previews.preview(owner, id, page);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(preview.contentType()))
                .header("Civis-Page-Count", Integer.toString(preview.pages()))
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(preview.body());
    }

    @PatchMapping(consumes = MediaType.APPLICATION_JSON_VALUE, path = "/{id}")
    @Operation(summary = "Modifie le titre, le type ou la date de validité (null l'efface).")
    Document update(Owner owner, @PathVariable UUID id, @RequestBody JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        for (String name : changes.propertyNames()) {
            if (!name.equals("title") && !name.equals("type") && !name.equals("validUntil")) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
            }
        }
        Optional<String> title = text(changes, "title");
        Optional<DocumentType> type = text(changes, "type").map(DocumentController::documentType);
        Optional<Optional<LocalDate>> validUntil = !changes.has("validUntil") ? Optional.empty()
                : Optional.of(changes.get("validUntil").isNull() ? Optional.empty()
                        : Optional.of(date(changes.get("validUntil").asString())));
        return service.update(owner, id, type, title, validUntil);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Supprime un document : sa clé est détruite, son contenu illisible pour de bon.")
    ResponseEntity<Void> delete(Owner owner, @PathVariable UUID id) {
        service.delete(owner, id);
        return ResponseEntity.noContent().build();
    }

    private static DocumentService.Description describe(Map<String, String> fields) {
        for (String name : fields.keySet()) {
            if (!name.equals("type") && !name.equals("title") && !name.equals("validUntil")) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
            }
        }
        String type = fields.get("type");
        if (type == null) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-document-type");
        }
        String validUntil = fields.get("validUntil");
        return new DocumentService.Description(documentType(type), Titles.clean(fields.get("title")),
                validUntil == null || validUntil.isBlank() ? null : date(validUntil));
    }

    private static DocumentType documentType(String code) {
        return DocumentType.fromCode(code)
                .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, "invalid-document-type"));
    }

    private static LocalDate date(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-date");
        }
    }

    private static Optional<String> text(JsonNode changes, String name) {
        if (!changes.has(name)) {
            return Optional.empty();
        }
        JsonNode value = changes.get(name);
        if (!value.isString()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        return Optional.of(value.asString());
    }

    private static String readField(InputStream in) throws IOException {
        byte[] value = in.readNBytes(MAX_FIELD_LENGTH + 1);
        if (value.length > MAX_FIELD_LENGTH) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Reads what the client is still sending, up to the largest request accepted, before the refusal is answered:
     * a browser reads the answer only once it has sent its body, and a connection closed on unread bytes is reset,
     * losing the answer with it. A client sending more than that is cut off.
     */
    private static void drainQuietly(InputStream body, long limit) {
        byte[] sink = new byte[64 * 1024];
        try {
            for (long drained = 0, read; drained < limit && (read = body.read(sink)) != -1; ) {
                drained += read;
            }
        } catch (IOException gone) {
            // The client went away: there is no one left to answer.
        }
    }

    private void discard(DocumentService.StagedContent staged) {
        if (staged != null) {
            service.discard(staged);
        }
    }
}
