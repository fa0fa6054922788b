package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Pictures the antivirus should never have to deal with (ADR 0012), on the real vault and clamd: a pixel bomb (a small
 * PNG declaring 268 megapixels of compressed zeros) is refused from its header before clamd decodes anything, and a PNG
 * hiding EICAR in a compressed text chunk, which clamd does not inflate, is refused too; an ordinary photo still goes in.
 */
@ExtendWith(PlatformExtension.class)
class UploadHygieneIT {

    private static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void aPixelBombIsRefusedFromItsHeaderAndAPhotoStillGoesIn(Platform platform) throws Exception {
        VaultApi citizen = citizen(platform, "hygiene.pixels");
        HttpResponse<String> photo = citizen.upload(twelveMegapixelPhoto(), "photo.jpg");
        assertThat(photo.statusCode()).as(photo.body()).isEqualTo(201);

        byte[] bomb = greyPngOfZeros(32_768, 8_191);
        assertThat(bomb.length).isBetween(200_000, 300_000);
        Set<Path> objects = storedObjects(platform);
        long clamd = platform.pid("clamd");
        long peakBefore = kilobytes(clamd, "VmHWM");

        Instant start = Instant.now();
        HttpResponse<String> refused = citizen.upload(bomb, "plan.png");
        Duration took = Duration.between(start, Instant.now());
        long peakAfter = kilobytes(clamd, "VmHWM");
        // The figures, for the record (ADR 0012), before any assertion can stop the test.
        System.out.printf("Pixel bomb (%d bytes): answer %d in %d ms; clamd peak RSS %d MB before, %d MB after%n",
                bomb.length, refused.statusCode(), took.toMillis(), peakBefore / 1024, peakAfter / 1024);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        JsonNode problem = VaultApi.json(refused);
        assertThat(problem.get("code").asString()).isEqualTo("image-too-many-pixels");
        assertThat(problem.get("detail").asString()).contains("50 mégapixels");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(VaultApi.json(citizen.get("/api/v1/documents")).get("items")).hasSize(1);
        assertThat(storedObjects(platform)).isEqualTo(objects);
        // clamd's peak memory: the 1.3 GB a decoded bomb costs would show here.
        assertThat(peakAfter - peakBefore).as("clamd peak growth, kB").isLessThan(32 * 1024);
    }

    @Test
    void eicarInACompressedTextChunkIsNotStored(Platform platform) throws Exception {
        VaultApi citizen = citizen(platform, "hygiene.ztxt");
        Set<Path> objects = storedObjects(platform);
        byte[] hidden = png(1, 1, chunk("zTXt", concat("Comment\0\0".getBytes(StandardCharsets.ISO_8859_1),
                deflate(EICAR))));

        HttpResponse<String> refused = citizen.upload(hidden, "scan.png");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(VaultApi.json(refused).get("code").asString()).isEqualTo("image-compressed-text");
        assertThat(VaultApi.json(citizen.get("/api/v1/documents")).get("items")).isEmpty();
        assertThat(storedObjects(platform)).isEqualTo(objects);
        // The same PNG with its text left uncompressed is stored, and clamd finds EICAR in it.
        HttpResponse<String> plain = citizen.upload(png(1, 1, chunk("tEXt",
                concat("Comment\0".getBytes(StandardCharsets.ISO_8859_1), EICAR))), "scan.png");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(422);
        assertThat(VaultApi.json(plain).get("code").asString()).isEqualTo("document-infected");
    }

    private static VaultApi citizen(Platform platform, String username) throws Exception {
        Citizens citizens = new Citizens(platform);
        citizens.create(username);
        return new VaultApi(platform.settings().portalUrl(), citizens.token(username));
    }

    /** 4000 × 3000, like a phone's photo, with enough detail to weigh what one does (a few megabytes). */
    private static byte[] twelveMegapixelPhoto() throws Exception {
        BufferedImage image = new BufferedImage(4_000, 3_000, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3_000; y++) {
            for (int x = 0; x < 4_000; x++) {
                image.setRGB(x, y, (x * 255 / 4_000) << 16 | (y * 255 / 3_000) << 8 | (x ^ y) & 0xff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** A grey PNG whose every row is filter 0 then zeros, compressed: a few hundred kilobytes for gigabytes of pixels. */
    private static byte[] greyPngOfZeros(int width, int height) throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[width + 1];
            for (int y = 0; y < height; y++) {
                out.write(row);
            }
        }
        return concat(signatureAndHeader(width, height), chunk("IDAT", compressed.toByteArray()),
                chunk("IEND", new byte[0]));
    }

    /** A grey PNG of zeros with {@code extra} chunks between its header and its data. */
    private static byte[] png(int width, int height, byte[] extra) {
        return concat(signatureAndHeader(width, height), extra,
                chunk("IDAT", deflate(new byte[(width + 1) * height])), chunk("IEND", new byte[0]));
    }

    private static byte[] signatureAndHeader(int width, int height) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        return concat(signature, chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8)
                .array()));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(name).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] deflate(byte[] data) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(compressed)) {
            out.write(data);
        } catch (java.io.IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return compressed.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A memory figure of a process from /proc (VmRSS now, VmHWM its peak), in kilobytes. */
    private static long kilobytes(long pid, String field) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow();
    }

    /** Every file in s3proxy's folder for the bucket (its filesystem backend). */
    private static Set<Path> storedObjects(Platform platform) throws Exception {
        Path bucket = platform.settings().dataDir().resolve("s3/civis-vault");
        if (!Files.isDirectory(bucket)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }
}
