package fr.civis.vault.scanning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The INSTREAM client against a small fake clamd on loopback (the real one is exercised by the integration tests):
 * what it sends, how it reads verdicts, and that a clamd which stops reading fails the scan instead of hanging it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClamdScannerTest {

    private final ServerSocket server = newServer();
    private final CompletableFuture<byte[]> received = new CompletableFuture<>();
    private final List<Integer> chunkLengths = new CopyOnWriteArrayList<>();

    private static ServerSocket newServer() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeServer() throws IOException {
        server.close();
    }

    /** Serves one INSTREAM session: reads the framed chunks, then answers what {@code verdict} says of them. */
    private void serveOnce(Function<byte[], String> verdict) {
        Thread.ofVirtual().start(() -> {
            try (Socket client = server.accept()) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                byte[] command = in.readNBytes("zINSTREAM\0".length());
                assertThat(new String(command, StandardCharsets.US_ASCII)).isEqualTo("zINSTREAM\0");
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                for (int length; (length = in.readInt()) != 0; ) {
                    chunkLengths.add(length);
                    content.write(in.readNBytes(length));
                }
                byte[] bytes = content.toByteArray();
                received.complete(bytes);
                OutputStream out = client.getOutputStream();
                out.write((verdict.apply(bytes) + "\0").getBytes(StandardCharsets.US_ASCII));
            } catch (Throwable e) {
                received.completeExceptionally(e);
            }
        });
    }

    private ClamdScanner scanner() {
        return new ClamdScanner(new ScanningProperties("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(10)));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void everyByteReachesClamdInOrderAndACleanAnswerIsClean() throws Exception {
        serveOnce(bytes -> "stream: OK");
        byte[] document = random(3 * 1024 * 1024 + 17);
        VirusScanner.Verdict verdict;
        try (VirusScanner.Scan scan = scanner().start()) {
            byte[] buffer = new byte[64 * 1024];
            for (int offset = 0; offset < document.length; offset += buffer.length) {
                int length = Math.min(buffer.length, document.length - offset);
                System.arraycopy(document, offset, buffer, 0, length);
                scan.write(buffer, 0, length);
                // The caller reuses its buffer at once: the scan must have kept a copy.
                Arrays.fill(buffer, (byte) 0);
            }
            verdict = scan.finish();
        }
        assertThat(verdict.infected()).isFalse();
        assertThat(received.get()).isEqualTo(document);
        // Handed over in full 256 KiB chunks, not one per write: only the last is shorter.
        assertThat(chunkLengths).hasSize(13);
        assertThat(chunkLengths.subList(0, 12)).containsOnly(256 * 1024);
        assertThat(chunkLengths.get(12)).isEqualTo(17);
    }

    @Test
    void aSignatureFoundIsReportedByName() throws Exception {
        serveOnce(bytes -> "stream: Eicar-Test-Signature FOUND");
        try (VirusScanner.Scan scan = scanner().start()) {
            scan.write(new byte[] {1, 2, 3}, 0, 3);
            VirusScanner.Verdict verdict = scan.finish();
            assertThat(verdict.infected()).isTrue();
            assertThat(verdict.signature()).isEqualTo("Eicar-Test-Signature");
        }
    }

    @Test
    void anErrorAnswerIsNotTakenForClean() throws Exception {
        serveOnce(bytes -> "INSTREAM size limit exceeded. ERROR");
        try (VirusScanner.Scan scan = scanner().start()) {
            scan.write(new byte[] {1}, 0, 1);
            assertThatThrownBy(scan::finish).isInstanceOf(ScannerUnavailableException.class);
        }
    }

    @Test
    void aClamdThatStopsReadingFailsTheScanInsteadOfHangingIt() throws Exception {
        // Reads the command, then hangs up: the writer must notice, whatever it is sending.
        Thread.ofVirtual().start(() -> {
            try (Socket client = server.accept()) {
                client.getInputStream().readNBytes("zINSTREAM\0".length());
            } catch (IOException ignored) {
                // The test only needs the connection gone.
            }
        });
        try (VirusScanner.Scan scan = scanner().start()) {
            byte[] chunk = random(64 * 1024);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10_000; i++) {
                    scan.write(chunk, 0, chunk.length);
                }
                scan.finish();
            }).isInstanceOf(ScannerUnavailableException.class);
        }
    }

    @Test
    void noClamdListeningRefusesAtOnce() throws IOException {
        ClamdScanner scanner = scanner();
        server.close();
        assertThatThrownBy(scanner::start).isInstanceOf(ScannerUnavailableException.class);
    }

    @Test
    void withoutAPortNothingIsScannedAndEverythingIsClean() throws Exception {
        ClamdScanner off = new ClamdScanner(new ScanningProperties("127.0.0.1", null, Duration.ofSeconds(1)));
        try (VirusScanner.Scan scan = off.start()) {
            scan.write(new byte[] {1}, 0, 1);
            assertThat(scan.finish().infected()).isFalse();
        }
    }
}
