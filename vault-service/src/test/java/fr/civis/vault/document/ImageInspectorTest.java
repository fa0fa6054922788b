package fr.civis.vault.document;

import static fr.civis.vault.document.TestBytes.concat;
import static fr.civis.vault.document.TestBytes.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import fr.civis.common.problem.ProblemException;

/** Each image is fed whole and in pieces of every size up to a few bytes, as an upload's reads may split it. */
class ImageInspectorTest {

    private static final long LIMIT = 50_000_000;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1 << 20})
    void realImagesWithinTheLimitPass(int piece) throws IOException {
        assertAccepted("image/png", imageIo("png", 640, 480), piece);
        assertAccepted("image/jpeg", imageIo("jpeg", 640, 480), piece);
        assertAccepted("image/png", png(chunk("tEXt", latin1("Comment\0scanne le 3 mars"))), piece);
        assertAccepted("image/png", png(chunk("iTXt", latin1("Comment\0\0\0fr\0\0texte clair"))), piece);
        assertAccepted("image/jpeg", jpeg(4000, 3000), piece);
        assertAccepted("image/webp", webp("VP8 ", new byte[] {0, 0, 0, (byte) 0x9d, 1, 0x2a,
                (byte) 0xa0, 0x0f, (byte) 0xb8, 0x0b}), piece);
        assertAccepted("image/heic", heic(4032, 3024), piece);
        assertAccepted("application/pdf", latin1("%PDF-1.7 anything"), piece);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1 << 20})
    void headersDeclaringMoreThanTheLimitAreRefused(int piece) throws IOException {
        assertTooLarge("image/png", pngOfSize(32_768, 8_191), piece, 32_768, 8_191);
        assertTooLarge("image/jpeg", jpeg(10_000, 6_000), piece, 10_000, 6_000);
        // VP8: 14-bit width and height (16 383 × 16 383).
        assertTooLarge("image/webp", webp("VP8 ", new byte[] {0, 0, 0, (byte) 0x9d, 1, 0x2a,
                (byte) 0xff, 0x3f, (byte) 0xff, 0x3f}), piece, 16_383, 16_383);
        // VP8L: width - 1 and height - 1 on 14 bits each, after the 0x2F signature.
        int bits = 16_383 | (16_383 << 14);
        assertTooLarge("image/webp", webp("VP8L", new byte[] {0x2f, (byte) bits, (byte) (bits >>> 8),
                (byte) (bits >>> 16), (byte) (bits >>> 24)}), piece, 16_384, 16_384);
        // VP8X: canvas of 2^24 × 2^24.
        assertTooLarge("image/webp", webp("VP8X", new byte[] {0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff}), piece, 16_777_216, 16_777_216);
        assertTooLarge("image/heic", heic(20_000, 20_000), piece, 20_000, 20_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1 << 20})
    void compressedTextInAPngIsRefusedWhereverItIs(int piece) throws IOException {
        byte[] eicar = deflate(latin1("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"));
        assertRefused("image/png", png(chunk("zTXt", concat(latin1("Comment\0\0"), eicar))), piece,
                "image-compressed-text");
        assertRefused("image/png", png(chunk("iTXt", concat(latin1("Comment\0\1\0fr\0\0"), eicar))), piece,
                "image-compressed-text");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1 << 20})
    void imagesWhoseSizeIsNotWhereTheFormatPutsItAreRefused(int piece) {
        // PNG whose first chunk is not IHDR; JPEG whose scan comes before any frame header; a truncated one.
        assertRefused("image/png", concat(PNG_SIGNATURE, chunk("IEND", new byte[0])), piece, "image-unreadable");
        assertRefused("image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2}, piece,
                "image-unreadable");
        assertRefused("image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0}, piece,
                "image-unreadable");
        assertRefused("image/webp", webp("ALPH", new byte[10]), piece, "image-unreadable");
        assertRefused("image/heic", box("ftyp", latin1("heic\0\0\0\0")), piece, "image-unreadable");
    }

    private static void assertAccepted(String type, byte[] content, int piece) {
        assertThatCode(() -> feed(type, content, piece)).as(type).doesNotThrowAnyException();
    }

    private static void assertTooLarge(String type, byte[] content, int piece, long width, long height) {
        ProblemException refusal = catchThrowableOfType(ProblemException.class, () -> feed(type, content, piece));
        assertThat(refusal).as(type).isNotNull();
        assertThat(refusal.code()).isEqualTo("image-too-many-pixels");
        assertThat(refusal.values()).containsExactly(50.0, width, height);
    }

    private static void assertRefused(String type, byte[] content, int piece, String code) {
        ProblemException refusal = catchThrowableOfType(ProblemException.class, () -> feed(type, content, piece));
        assertThat(refusal).as(type).isNotNull();
        assertThat(refusal.code()).isEqualTo(code);
    }

    private static void feed(String type, byte[] content, int piece) {
        ImageInspector inspector = ImageInspector.of(type, LIMIT);
        for (int offset = 0; offset < content.length; offset += piece) {
            inspector.accept(content, offset, Math.min(piece, content.length - offset));
        }
        inspector.finish();
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private static byte[] imageIo(String format, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR), format, out);
        return out.toByteArray();
    }

    /** A 1 × 1 grey PNG with {@code extra} chunks between its header and its data. */
    private static byte[] png(byte[] extra) throws IOException {
        return concat(PNG_SIGNATURE, chunk("IHDR", ihdr(1, 1)), extra, chunk("IDAT", deflate(new byte[2])),
                chunk("IEND", new byte[0]));
    }

    /** Only the signature and the header: the refusal must come from it alone. */
    private static byte[] pngOfSize(int width, int height) {
        return concat(PNG_SIGNATURE, chunk("IHDR", ihdr(width, height)));
    }

    private static byte[] ihdr(int width, int height) {
        return ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).array();
    }

    private static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(latin1(type));
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(latin1(type)).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** SOI, an APP1 segment larger than most pieces, a quantisation table, then a baseline frame header. */
    private static byte[] jpeg(int width, int height) {
        byte[] app1 = new byte[300];
        return concat(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, 0x01, 0x2e}, app1,
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xdb, 0, 3, 0},
                new byte[] {(byte) 0xff, (byte) 0xc0, 0, 11, 8, (byte) (height >> 8), (byte) height,
                        (byte) (width >> 8), (byte) width, 1, 1, 0x11, 0});
    }

    private static byte[] webp(String kind, byte[] data) {
        ByteBuffer riff = ByteBuffer.allocate(20 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        riff.put(latin1("RIFF")).putInt(12 + data.length).put(latin1("WEBP")).put(latin1(kind)).putInt(data.length)
                .put(data);
        return riff.array();
    }

    /** ftyp, then meta with a handler and the item properties holding one ispe, then the (empty) image data. */
    private static byte[] heic(int width, int height) {
        byte[] ispe = box("ispe", ByteBuffer.allocate(12).putInt(0).putInt(width).putInt(height).array());
        byte[] meta = box("meta", concat(new byte[4], box("hdlr", new byte[24]),
                box("iprp", box("ipco", concat(box("colr", new byte[6]), ispe)))));
        return concat(box("ftyp", latin1("heic\0\0\0\0mif1heic")), meta, box("mdat", new byte[100]));
    }

    private static byte[] box(String type, byte[] content) {
        return ByteBuffer.allocate(8 + content.length).putInt(8 + content.length).put(latin1(type)).put(content).array();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 64];
        int length = deflater.deflate(out);
        deflater.end();
        return java.util.Arrays.copyOf(out, length);
    }
}
