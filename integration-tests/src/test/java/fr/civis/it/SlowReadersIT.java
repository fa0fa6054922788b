package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import fr.civis.launcher.Platform;

/**
 * A phone that stops reading for a while (a tunnel, a change of network) still gets its whole document and its whole
 * export: nothing in the vault cuts a response that takes longer than half a minute. Tomcat's default asynchronous
 * timeout is 30 s, and any response written from a separate task would be cut there, bytes still flowing or not.
 */
@ExtendWith(PlatformExtension.class)
class SlowReadersIT {

    /** Longer than Tomcat's default asynchronous timeout (30 s), shorter than its write timeout (60 s). */
    private static final Duration PAUSE = Duration.ofSeconds(35);
    /** More than the server's socket send buffer can hold (Linux grows it up to 4 MiB), so its writes wait for us. */
    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path folder;

    @Test
    void aReaderThatPausesForHalfAMinuteGetsTheWholeDocumentAndTheWholeExport(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        VaultApi citizen = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token("lent.dominique"));
        byte[] content = VaultApi.pdf(SIZE);
        var created = citizen.upload(content, "releve-annuel.pdf");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = VaultApi.json(created).get("id").asString();

        // Both at once, so that the pause is paid once.
        URI base = URI.create(platform.settings().portalUrl());
        CompletableFuture<Response> document = CompletableFuture.supplyAsync(
                () -> slowGet(base, "/api/v1/documents/" + id + "/content", citizen.token()));
        CompletableFuture<Response> export = CompletableFuture.supplyAsync(
                () -> slowGet(base, "/api/v1/me/export", citizen.token()));

        Response download = document.join();
        assertThat(download.status()).as(download.head()).contains(" 200 ");
        assertThat(download.body().length).isEqualTo(SIZE);
        assertThat(MessageDigest.getInstance("SHA-256").digest(download.body()))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));

        Response archive = export.join();
        assertThat(archive.status()).as(archive.head()).contains(" 200 ");
        Path zip = Files.write(folder.resolve("export.zip"), archive.body());
        // A ZIP cut anywhere loses its central directory, which ZipFile needs to open it.
        try (ZipFile opened = new ZipFile(zip.toFile())) {
            ZipEntry stored = opened.stream().filter(entry -> entry.getSize() == SIZE).findFirst().orElseThrow(
                    () -> new AssertionError("No entry of the document's size in the export"));
            try (InputStream in = opened.getInputStream(stored)) {
                assertThat(Arrays.equals(in.readAllBytes(), content)).isTrue();
            }
        }
    }

    private record Response(String head, byte[] body) {

        String status() {
            return head.lines().findFirst().orElse("");
        }
    }

    /**
     * An HTTP/1.0 GET (the body then ends with the connection, chunked or not) through a small receive window: reads
     * the status line and headers, stops reading for {@link #PAUSE}, then reads the rest.
     */
    private static Response slowGet(URI base, String path, String token) {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.write(next);
            }
            Thread.sleep(PAUSE);
            return new Response(head.toString(StandardCharsets.ISO_8859_1), in.readAllBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
