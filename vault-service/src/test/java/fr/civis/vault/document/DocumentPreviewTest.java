package fr.civis.vault.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import fr.civis.common.problem.ProblemException;

class DocumentPreviewTest {

    /** A page of {@code strokes} lines drawn one by one: a few hundred kilobytes compressed, seconds to draw. */
    private static byte[] pdfOfStrokes(int strokes) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                for (int i = 0; i < strokes; i++) {
                    content.moveTo(i % 500, 0);
                    content.lineTo(500 - i % 500, 800);
                    content.stroke();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static DocumentPreview preview(Duration renderTime) {
        return new DocumentPreview(null, new DocumentLimits(DataSize.ofMegabytes(20), DataSize.ofMegabytes(500), 200,
                DataSize.ofMegabytes(4), 50_000_000, renderTime));
    }

    @Test
    void aPageThatTakesTooLongToDrawIsStoppedWithAProblem() throws IOException {
        byte[] slow = pdfOfStrokes(1_500_000);
        long started = System.nanoTime();
        assertThatThrownBy(() -> preview(Duration.ofMillis(300)).renderPdf(slow, 1))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
                    assertThat(problem.code()).isEqualTo("preview-too-long");
                });
        // Stopped soon after the limit, not after drawing the whole page.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anOrdinaryPageIsDrawnWithinTheSameKindOfLimitAndItsSizeIsBounded() throws IOException {
        DocumentPreview.Preview page = preview(Duration.ofSeconds(10)).renderPdf(pdfOfStrokes(200), 1);
        assertThat(page.contentType()).isEqualTo("image/png");
        assertThat(page.pages()).isEqualTo(1);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(page.body()));
        assertThat(Math.max(image.getWidth(), image.getHeight())).isLessThanOrEqualTo(DocumentPreview.MAX_SIDE);
    }
}
