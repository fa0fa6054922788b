package fr.civis.vault.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private record Read(String name, String filename, byte[] content) {
    }

    private static byte[] body(Object... namesAndValues) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            body.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (namesAndValues[i + 1] instanceof byte[] file) {
                body.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"scan.pdf\"\r\n"
                        + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(file);
            } else {
                body.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + namesAndValues[i + 1])
                        .getBytes(StandardCharsets.UTF_8));
            }
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** Reads every part, each through reads of the given sizes, from a body delivered in chunks of the given sizes. */
    private static List<Read> readAll(byte[] body, String contentType, int chunk, int readSize) throws IOException {
        MultipartReader reader = new MultipartReader(new Trickle(new ByteArrayInputStream(body), chunk), contentType,
                8192);
        List<Read> parts = new ArrayList<>();
        for (Optional<MultipartReader.Part> next; (next = reader.next()).isPresent(); ) {
            MultipartReader.Part part = next.get();
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] buffer = new byte[readSize];
            for (int n; (n = part.content().read(buffer, 0, readSize)) != -1; ) {
                content.write(buffer, 0, n);
            }
            parts.add(new Read(part.name(), part.filename().orElse(null), content.toByteArray()));
        }
        return parts;
    }

    /** A source that returns at most {@code chunk} bytes per read, as a slow network does. */
    private static final class Trickle extends FilterInputStream {
        private final int chunk;

        Trickle(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }

    @Test
    void readsFieldsAndAFileByteForByteWhateverTheChunking() throws IOException {
        byte[] file = new byte[300_000];
        new Random(7).nextBytes(file);
        // Traps: bytes that start the delimiter without finishing it, right inside the content.
        byte[] trap = ("\r\n--" + BOUNDARY.substring(0, 20)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(trap, 0, file, 1000, trap.length);
        System.arraycopy(trap, 0, file, 65_530, trap.length);
        System.arraycopy(trap, 0, file, file.length - trap.length, trap.length);
        byte[] body = body("type", "justificatif-domicile", "title", "Quittance d'août", "file", file);

        for (int chunk : new int[] {1, 7, 4096, 65_536, 1 << 20}) {
            for (int readSize : new int[] {1, 13, 65_536}) {
                if (chunk == 1 && readSize == 1) {
                    continue; // slow, and adds nothing to chunk 1 with bigger reads
                }
                List<Read> parts = readAll(body, CONTENT_TYPE, chunk, readSize);
                assertThat(parts).hasSize(3);
                assertThat(parts.get(0).name()).isEqualTo("type");
                assertThat(parts.get(0).filename()).isNull();
                assertThat(new String(parts.get(1).content(), StandardCharsets.UTF_8)).isEqualTo("Quittance d'août");
                assertThat(parts.get(2).filename()).isEqualTo("scan.pdf");
                assertThat(parts.get(2).content()).as("chunk %d, read %d", chunk, readSize).isEqualTo(file);
            }
        }
    }

    @Test
    void anEmptyFileAndAnEmptyFieldAreEmpty() throws IOException {
        List<Read> parts = readAll(body("title", "", "file", new byte[0]), CONTENT_TYPE, 100, 100);
        assertThat(parts).extracting(part -> part.content().length).containsExactly(0, 0);
    }

    @Test
    void aPartLeftUnreadIsSkipped() throws IOException {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body("a", "one", "b", "two")),
                CONTENT_TYPE, 8192);
        assertThat(reader.next()).isPresent();
        MultipartReader.Part second = reader.next().orElseThrow();
        assertThat(new String(second.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(reader.next()).isEmpty();
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void aPreambleAnEpilogueAndQuotedParametersAreHandled() throws IOException {
        String text = "This is a preamble.\r\n--" + BOUNDARY + "\r\n"
                + "content-disposition: form-data; name=\"file\"; filename=\"a %22b%22; c.pdf\"\r\n\r\n"
                + "%PDF\r\n--" + BOUNDARY + "--   \r\nepilogue";
        List<Read> parts = readAll(text.getBytes(StandardCharsets.UTF_8),
                "multipart/form-data; charset=utf-8; boundary=\"" + BOUNDARY + "\"", 5, 3);
        assertThat(parts).singleElement().satisfies(part -> {
            assertThat(part.filename()).isEqualTo("a %22b%22; c.pdf");
            assertThat(part.content()).isEqualTo("%PDF".getBytes(StandardCharsets.US_ASCII));
        });
    }

    private static String filenameRead(String filenameAsSent) throws IOException {
        String text = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filenameAsSent
                + "\"\r\n\r\nx\r\n--" + BOUNDARY + "--";
        return readAll(text.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, 64, 64).getFirst().filename();
    }

    @Test
    void backslashesInAFilenameAreKeptForTheFilenameCheckToSee() throws IOException {
        assertThat(filenameRead("..\\..\\windows\\win.ini.pdf")).isEqualTo("..\\..\\windows\\win.ini.pdf");
    }

    @Test
    void aUtf8FilenameIsReadAsUtf8() throws IOException {
        assertThat(filenameRead("relevé été.pdf")).isEqualTo("relevé été.pdf");
    }

    @Test
    void malformedBodiesAreRefused() {
        String open = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n";
        for (String malformed : new String[] {
                open + "content without its closing boundary",
                open.substring(0, open.length() - 4),                               // ends inside the headers
                "--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nno name\r\n--" + BOUNDARY + "--",
                "--" + BOUNDARY + "\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\ny\r\n--" + BOUNDARY + "--",
                "--" + BOUNDARY + "garbage\r\n",
                "no boundary at all",
                ""}) {
            assertThatThrownBy(() -> readAll(malformed.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, 16, 16))
                    .as(malformed).isInstanceOf(MultipartReader.MalformedMultipartException.class);
        }
    }

    @Test
    void oversizedPartHeadersAreRefused() {
        String text = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Padding: "
                + "a".repeat(20_000) + "\r\n\r\nv\r\n--" + BOUNDARY + "--";
        assertThatThrownBy(() -> readAll(text.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, 4096, 4096))
                .isInstanceOf(MultipartReader.MalformedMultipartException.class).hasMessageContaining("too large");
    }

    @Test
    void theBoundaryComesFromAWellFormedContentType() throws IOException {
        assertThat(MultipartReader.boundaryOf("Multipart/Form-Data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartReader.boundaryOf("multipart/form-data; boundary=\"a b:c\"")).isEqualTo("a b:c");
        for (String refused : new String[] {null, "application/json", "multipart/form-data",
                "multipart/form-data; boundary=", "multipart/form-data; boundary=" + "x".repeat(71),
                "multipart/form-data; boundary=\"bad\u0000\""}) {
            assertThatThrownBy(() -> MultipartReader.boundaryOf(refused)).as(String.valueOf(refused))
                    .isInstanceOf(MultipartReader.MalformedMultipartException.class);
        }
    }
}
