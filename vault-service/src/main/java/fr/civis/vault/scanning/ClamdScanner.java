package fr.civis.vault.scanning;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * clamd's INSTREAM protocol over TCP: {@code zINSTREAM\0}, then chunks (4-byte big-endian length, bytes), a
 * zero-length chunk, and one answer line: {@code stream: OK} or {@code stream: <signature> FOUND}.
 */
@Component
class ClamdScanner implements VirusScanner {

    private static final Logger log = LoggerFactory.getLogger(ClamdScanner.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;
    private static final int MAX_CHUNK = 1024 * 1024;

    private final ScanningProperties settings;

    ClamdScanner(ScanningProperties settings) {
        this.settings = settings;
        if (!settings.enabled()) {
            log.warn("Antivirus scanning is OFF: civis.scanning.clamd-port is not set. Never run production like this.");
        }
    }

    @Override
    public Scan start() {
        if (!settings.enabled()) {
            return new Unscanned();
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(settings.clamdHost(), settings.clamdPort()), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout((int) settings.timeout().toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            return new Streaming(socket, out);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new ScannerUnavailableException("clamd unreachable", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }

    /**
     * Feeds clamd from a thread of its own, through a small bounded queue, so that the upload goes on sealing and
     * storing while clamd takes its bytes: the caller only waits for clamd when the queue is full, and for the
     * verdict at the end. The queue holds copies, since the caller reuses its buffer.
     */
    private static final class Streaming implements Scan {

        /** Chunks in flight per scan: with the 64 KiB writes of an upload, at most 512 KiB of memory. */
        private static final int QUEUED_CHUNKS = 8;
        private static final byte[] END = new byte[0];

        private final Socket socket;
        private final DataOutputStream out;
        private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        private final Thread feeder;
        private volatile IOException feedFailure;

        Streaming(Socket socket, DataOutputStream out) {
            this.socket = socket;
            this.out = out;
            this.feeder = Thread.ofVirtual().name("clamd-feed").start(this::feed);
        }

        private void feed() {
            try {
                for (byte[] chunk; (chunk = chunks.take()) != END; ) {
                    for (int sent = 0; sent < chunk.length; ) {
                        int length = Math.min(MAX_CHUNK, chunk.length - sent);
                        out.writeInt(length);
                        out.write(chunk, sent, length);
                        sent += length;
                    }
                }
                out.writeInt(0);
                out.flush();
            } catch (IOException e) {
                feedFailure = e;
                // Unblocks a caller waiting for space: nothing will take from the queue any more.
                chunks.clear();
            } catch (InterruptedException e) {
                // Closed before the end: the socket goes with it.
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            requireFeeding();
            try {
                while (!chunks.offer(Arrays.copyOfRange(bytes, offset, offset + length), 100, TimeUnit.MILLISECONDS)) {
                    requireFeeding();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScannerUnavailableException("interrupted while feeding clamd", e);
            }
        }

        private void requireFeeding() {
            if (feedFailure != null || !feeder.isAlive()) {
                // clamd closes the stream when it has seen enough (size limit), or has gone away.
                throw new ScannerUnavailableException("clamd stopped reading", feedFailure);
            }
        }

        @Override
        public Verdict finish() {
            try {
                requireFeeding();
                while (!chunks.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    requireFeeding();
                }
                feeder.join();
                if (feedFailure != null) {
                    throw new ScannerUnavailableException("clamd stopped reading", feedFailure);
                }
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replace("\0", "").strip();
                if (answer.endsWith(" OK")) {
                    return Verdict.CLEAN;
                }
                if (answer.endsWith(" FOUND")) {
                    String signature = answer.substring(answer.indexOf(':') + 1, answer.length() - " FOUND".length());
                    return new Verdict(signature.strip());
                }
                throw new ScannerUnavailableException("clamd answered an error", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScannerUnavailableException("interrupted while waiting for clamd", e);
            } catch (IOException e) {
                throw new ScannerUnavailableException("clamd gave no verdict", e);
            }
        }

        @Override
        public void close() {
            feeder.interrupt();
            closeQuietly(socket);
        }
    }

    /** Scanning switched off by configuration (development without clamd). */
    private static final class Unscanned implements Scan {

        @Override
        public void write(byte[] bytes, int offset, int length) {
        }

        @Override
        public Verdict finish() {
            return Verdict.CLEAN;
        }

        @Override
        public void close() {
        }
    }
}
