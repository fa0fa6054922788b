package fr.civis.vault.document;

import static fr.civis.vault.document.TestBytes.concat;
import static fr.civis.vault.document.TestBytes.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The six accepted types in their usual and less usual openings, and what must stay out: other formats, including
 * look-alikes (an HTML page that mentions "%PDF-" early, other RIFF and ISO-media files) and text.
 */
class ContentSnifferTest {

    private static final ContentSniffer SNIFFER = new ContentSniffer();

    /** Each sample: its name, its first bytes and, when accepted, its type. */
    static Stream<Arguments> samples() throws IOException {
        String pdf = "application/pdf";
        return Stream.of(
                accepted("pdf", latin1("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n"), pdf),
                accepted("pdf with a byte order mark",
                        concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, latin1("%PDF-1.4\n")), pdf),
                accepted("pdf after a print job ticket",
                        latin1("%%JobTicket: mairie-imprimerie\r\n%%Copies: 2\r\n\r\n%PDF-1.6\n"), pdf),
                accepted("pdf carrying html", latin1("%PDF-1.7\n<html><script>alert(1)</script></html>\n"), pdf),
                accepted("jpeg", image("jpeg"), "image/jpeg"),
                accepted("png", image("png"), "image/png"),
                accepted("webp", concat(latin1("RIFF"), new byte[] {0x24, 0, 0, 0}, latin1("WEBPVP8 ")), "image/webp"),
                accepted("heic", box("heic"), "image/heic"),
                accepted("heic (heix)", box("heix"), "image/heic"),
                accepted("heif", box("mif1"), "image/heif"),
                refused("gif", latin1("GIF89a\u0001\u0000\u0001\u0000")),
                refused("zip", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}),
                refused("windows executable", latin1("MZ\u0090\u0000\u0003\u0000\u0000\u0000")),
                refused("html", latin1("<!DOCTYPE html><html><body>%PDF-1.7</body></html>")),
                refused("svg", latin1("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>")),
                refused("text", latin1("Avis d'imposition 2026, revenu fiscal de reference\n")),
                refused("eicar", latin1("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")),
                refused("tiff", new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}),
                refused("avif", box("avif")),
                refused("mp4", box("isom")),
                refused("avi", concat(latin1("RIFF"), new byte[] {0x24, 0, 0, 0}, latin1("AVI LIST"))),
                refused("wave", concat(latin1("RIFF"), new byte[] {0x24, 0, 0, 0}, latin1("WAVEfmt "))),
                refused("random bytes", tail(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void knowsEachSample(String name, byte[] head, Optional<String> type) throws IOException {
        byte[] content = concat(head, tail(name.hashCode()));
        assertThat(SNIFFER.acceptedType(markable(content))).as(name).isEqualTo(type);
    }

    @Test
    void leavesTheStreamWhereItWas() throws IOException {
        byte[] content = concat(latin1("%PDF-1.7\n"), tail(1), tail(2));
        InputStream in = markable(content);
        SNIFFER.acceptedType(in);
        assertThat(in.readAllBytes()).isEqualTo(content);
    }

    private static Arguments accepted(String name, byte[] head, String type) {
        return Arguments.of(name, head, Optional.of(type));
    }

    private static Arguments refused(String name, byte[] head) {
        return Arguments.of(name, head, Optional.empty());
    }

    private static InputStream markable(byte[] content) {
        return new BufferedInputStream(new ByteArrayInputStream(content), ContentSniffer.LOOKAHEAD);
    }

    /** An ISO base media file's first box: size, "ftyp", then the major brand. */
    private static byte[] box(String brand) {
        return concat(new byte[] {0, 0, 0, 0x18}, latin1("ftyp" + brand), new byte[] {0, 0, 0, 0}, latin1(brand));
    }

    private static byte[] image(String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    /** 70 KiB of random bytes, more than the sniffer looks at. */
    private static byte[] tail(long seed) {
        byte[] bytes = new byte[70 * 1024];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
