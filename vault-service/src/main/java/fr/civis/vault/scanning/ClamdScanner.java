package fr.civis.vault.scanning;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
     * Feeds clamd from a thread of its own, so that the upload goes on sealing and storing while clamd takes its
     * bytes: the caller only waits for clamd when both chunks are out, and for the verdict at the end. The caller
     * copies its bytes into the chunk it holds (it reuses its own buffer) and hands a chunk over only when full: with
     * 64 KiB writes, a quarter of the hand-offs and none of the per-write copies the queue used to hold
     * (docs/benchmarks.md §12). Chunks go back and forth between two queues, allocated once per scan.
     */
    private static final class Streaming implements Scan {

        /** Bytes per hand-off and per INSTREAM chunk. */
        private static final int CHUNK = 256 * 1024;
        /** One filled by the caller while the feeder sends the other: at most 512 KiB per scan, as before. */
        private static final int CHUNKS = 2;
        private static final Chunk END = new Chunk(0);

        private final Socket socket;
        private final DataOutputStream out;
        /** Chunks to send, then {@link #END}; never full, since it can hold every chunk and the end. */
        private final BlockingQueue<Chunk> toSend = new ArrayBlockingQueue<>(CHUNKS + 1);
        /** Chunks sent, back to the caller. */
        private final BlockingQueue<Chunk> sent = new ArrayBlockingQueue<>(CHUNKS);
        private final Thread feeder;
        private volatile IOException feedFailure;
        private Chunk filling;
        private int allocated;

        Streaming(Socket socket, DataOutputStream out) {
            this.socket = socket;
            this.out = out;
            this.feeder = Thread.ofVirtual().name("clamd-feed").start(this::feed);
        }

        /** A chunk's bytes and how many of them are content. */
        private static final class Chunk {

            final byte[] bytes;
            int length;

            Chunk(int capacity) {
                bytes = new byte[capacity];
            }
        }

        private void feed() {
            try {
                for (Chunk chunk; (chunk = toSend.take()) != END; ) {
                    out.writeInt(chunk.length);
                    out.write(chunk.bytes, 0, chunk.length);
                    chunk.length = 0;
                    sent.add(chunk);
                }
                out.writeInt(0);
                out.flush();
            } catch (IOException e) {
                feedFailure = e;
            } catch (InterruptedException e) {
                // Closed before the end: the socket goes with it.
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            requireFeeding();
            while (length > 0) {
                if (filling == null) {
                    filling = emptyChunk();
                }
                int count = Math.min(length, CHUNK - filling.length);
                System.arraycopy(bytes, offset, filling.bytes, filling.length, count);
                filling.length += count;
                offset += count;
                length -= count;
                if (filling.length == CHUNK) {
                    toSend.add(filling);
                    filling = null;
                }
            }
        }

        /** A new chunk while fewer than {@link #CHUNKS} exist, else the next one the feeder has sent. */
        private Chunk emptyChunk() {
            Chunk chunk = sent.poll();
            if (chunk != null) {
                return chunk;
            }
            if (allocated < CHUNKS) {
                allocated++;
                return new Chunk(CHUNK);
            }
            try {
                while ((chunk = sent.poll(100, TimeUnit.MILLISECONDS)) == null) {
                    requireFeeding();
                }
                return chunk;
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
                if (filling != null) {
                    toSend.add(filling);
                    filling = null;
                }
                toSend.add(END);
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
