package fr.civis.vault.document;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

import org.springframework.http.HttpStatus;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import fr.civis.common.problem.ProblemException;

/**
 * @param maxDocumentSize     largest document accepted (413 beyond)
 * @param quota               total size of a citizen's documents (409 beyond)
 * @param maxDocuments        number of documents per citizen (409 beyond)
 * @param verifyBeforeSending documents up to this size are fully opened and checked before the first byte is
 *                            sent, so a damaged one yields a clean error; larger ones stream and a damaged one
 *                            breaks the transfer
 * @param maxImagePixels      most pixels (width × height) an image's header may declare (422 beyond): far above a
 *                            phone's photo (12 to 48 megapixels), far below what makes a decoder use gigabytes
 *                            (ADR 0012)
 * @param previewTime         longest time the drawing of a PDF's page for its preview may take (422
 *                            {@code preview-too-long} beyond): a hostile PDF can ask for minutes of CPU (ADR 0024)
 */
@Validated
@ConfigurationProperties("civis.documents")
public record DocumentLimits(
        @NotNull @DefaultValue("20MB") DataSize maxDocumentSize,
        @NotNull @DefaultValue("500MB") DataSize quota,
        @DefaultValue("200") int maxDocuments,
        @NotNull @DefaultValue("4MB") DataSize verifyBeforeSending,
        @Positive @DefaultValue("50000000") long maxImagePixels,
        @NotNull @DefaultValue("10s") Duration previewTime) {

    /** 413, naming the limit in force. */
    ProblemException tooLarge() {
        return ProblemException.withValues(HttpStatus.CONTENT_TOO_LARGE, "document-too-large",
                maxDocumentSize.toMegabytes());
    }

    /** 409, naming the limits in force. */
    ProblemException quotaExceeded() {
        return ProblemException.withValues(HttpStatus.CONFLICT, "quota-exceeded", quota.toMegabytes(), maxDocuments);
    }
}
