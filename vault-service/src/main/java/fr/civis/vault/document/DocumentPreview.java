package fr.civis.vault.document;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.rendering.PageDrawer;
import org.apache.pdfbox.rendering.PageDrawerParameters;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.citizen.Owner;

/**
 * What the portal shows of a document (docs/adr/0022-expiry-reminders.md). A picture the browser can draw is sent as
 * it is, to an {@code <img>}, which runs nothing. A PDF can carry scripts, forms, links, launch actions and attached
 * files: none of it reaches the browser, which gets one page rendered here to pixels (PNG). The PDF is opened in
 * memory only (its plaintext never touches the disk), one page is drawn, the image's size is bounded, the drawing's
 * time too ({@code civis.documents.preview-time}), and few renders run at once.
 */
@Component
class DocumentPreview {

    /** The longest side of a rendered page, in pixels: sharp on a screen, small in memory (≈ 7 MB at most). */
    static final int MAX_SIDE = 1600;
    /** 2 × 72 dpi: beyond, a small page would only grow for nothing. */
    private static final float MAX_SCALE = 2f;
    private static final int CONCURRENT_RENDERS = 2;
    private static final Set<String> DRAWN_BY_BROWSERS = Set.of("image/jpeg", "image/png", "image/webp");

    private final DocumentReader reader;
    private final Duration renderTime;
    private final Semaphore renders = new Semaphore(CONCURRENT_RENDERS);

    DocumentPreview(DocumentReader reader, DocumentLimits limits) {
        this.reader = reader;
        this.renderTime = limits.previewTime();
    }

    /** @param pages how many pages the document has (1 for a picture) */
    record Preview(String contentType, byte[] body, int pages) {
    }

    Preview preview(Owner owner, UUID id, int page) throws IOException {
        DocumentReader.Content content = reader.content(owner, id);
        if (DRAWN_BY_BROWSERS.contains(content.contentType())) {
            if (page != 1) {
                throw unavailable(null);
            }
            return new Preview(content.contentType(), plaintext(content), 1);
        }
        if (!"application/pdf".equals(content.contentType())) {
            throw unavailable(null); // HEIC: no browser draws it, and the JDK does not decode it
        }
        return renderPdf(plaintext(content), page);
    }

    /** One page of a PDF as a PNG, within the time allowed; 422 when it cannot be drawn, or not in time. */
    Preview renderPdf(byte[] pdf, int page) {
        try {
            if (!renders.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "preview-busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "preview-busy", e);
        }
        try (PDDocument document = Loader.loadPDF(pdf, "", null, null, IOUtils.createMemoryOnlyStreamCache())) {
            int pages = document.getNumberOfPages();
            if (page > pages) {
                throw unavailable(null);
            }
            PDRectangle box = document.getPage(page - 1).getCropBox();
            float side = Math.max(box.getWidth(), box.getHeight());
            if (!(side >= 1)) {
                throw unavailable(null);
            }
            PDFRenderer renderer = new TimedRenderer(document, System.nanoTime() + renderTime.toNanos());
            // Large pictures inside the page are read at the resolution shown, not decoded whole.
            renderer.setSubsamplingAllowed(true);
            BufferedImage image = renderer.renderImage(page - 1, Math.min(MAX_SCALE, MAX_SIDE / side), ImageType.RGB);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return new Preview("image/png", png.toByteArray(), pages);
        } catch (RenderTooLong overrun) {
            throw new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "preview-too-long", overrun);
        } catch (IOException unreadable) {
            // Damaged, or protected by a password: the citizen can still download it.
            throw unavailable(unreadable);
        } finally {
            renders.release();
        }
    }

    /**
     * Stops a page whose drawing takes longer than allowed: a hostile (or merely enormous) PDF can hold millions of
     * drawing operators, or forms drawn inside forms, and keep a CPU for minutes. Every operator, at any depth, passes
     * here; the check throws an unchecked exception, which PDFBox does not swallow as it does some IOExceptions.
     */
    private static final class TimedRenderer extends PDFRenderer {

        private final long deadline;

        TimedRenderer(PDDocument document, long deadline) {
            super(document);
            this.deadline = deadline;
        }

        @Override
        protected PageDrawer createPageDrawer(PageDrawerParameters parameters) throws IOException {
            return new PageDrawer(parameters) {
                @Override
                protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
                    if (System.nanoTime() - deadline > 0) {
                        throw new RenderTooLong();
                    }
                    super.processOperator(operator, operands);
                }
            };
        }
    }

    private static final class RenderTooLong extends RuntimeException {
        RenderTooLong() {
            super("The page took longer to draw than allowed", null, false, false);
        }
    }

    private static byte[] plaintext(DocumentReader.Content content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) content.size());
        content.body().writeTo(out);
        return out.toByteArray();
    }

    private static ProblemException unavailable(Exception cause) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "preview-unavailable", cause);
    }
}
