package fr.civis.vault.scanning;

import java.io.IOException;

/** Scans a document while it streams by: bytes go in as they arrive, the verdict comes once they are all in. */
public interface VirusScanner {

    /** Opens a scan; fails with {@link ScannerUnavailableException} when scanning is required and impossible. */
    Scan start();

    interface Scan extends AutoCloseable {

        void write(byte[] bytes, int offset, int length) throws IOException;

        /** Ends the stream and waits for clamd's verdict. */
        Verdict finish() throws IOException;

        @Override
        void close();
    }

    /** @param signature what was found; null when clean */
    record Verdict(String signature) {

        static final Verdict CLEAN = new Verdict(null);

        public boolean infected() {
            return signature != null;
        }
    }
}
