package fr.civis.vault.scanning;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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

    private static final class Streaming implements Scan {

        private final Socket socket;
        private final DataOutputStream out;

        Streaming(Socket socket, DataOutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                for (int sent = 0; sent < length; ) {
                    int chunk = Math.min(MAX_CHUNK, length - sent);
                    out.writeInt(chunk);
                    out.write(bytes, offset + sent, chunk);
                    sent += chunk;
                }
            } catch (IOException e) {
                // clamd closes the stream when it has seen enough (size limit): its answer says what it found.
                throw new ScannerUnavailableException("clamd stopped reading", e);
            }
        }

        @Override
        public Verdict finish() {
            try {
                out.writeInt(0);
                out.flush();
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
            } catch (IOException e) {
                throw new ScannerUnavailableException("clamd gave no verdict", e);
            }
        }

        @Override
        public void close() {
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
