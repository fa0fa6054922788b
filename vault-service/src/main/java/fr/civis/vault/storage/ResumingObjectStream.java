package fr.civis.vault.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An object read from S3 that, when its connection breaks before the end, asks S3 again for the rest (a ranged GET
 * from the first byte not yet read) and goes on. A download of a large document reads S3 only as fast as its reader
 * takes bytes: a phone that stops reading for longer than the S3 server's idle timeout (s3proxy's and many others'
 * is about half a minute) finds that connection closed. Objects are never rewritten in place (a new content is a new
 * object), so the rest is the rest of the same bytes; the sealed segments are authenticated on top of that.
 * After {@value #ATTEMPTS} breaks in a row with no byte read between them, S3 is taken as unavailable.
 */
final class ResumingObjectStream extends InputStream {

    /** Opens the object from {@code offset} to its end. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset) throws IOException;
    }

    static final int ATTEMPTS = 3;

    private final Opener opener;
    private InputStream current;
    private long position;
    private int breaksInARow;

    ResumingObjectStream(Opener opener) throws IOException {
        this.opener = opener;
        this.current = opener.open(0);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (true) {
            try {
                if (current == null) {
                    current = opener.open(position);
                }
                int read = current.read(buffer, offset, length);
                if (read > 0) {
                    position += read;
                    breaksInARow = 0;
                }
                return read;
            } catch (IOException broken) {
                if (Thread.currentThread().isInterrupted()) {
                    throw broken;
                }
                if (++breaksInARow >= ATTEMPTS) {
                    throw new StorageUnavailableException("get", broken);
                }
                closeQuietly();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException alreadyBroken) {
            // The connection is gone either way; the next read opens another.
        }
        current = null;
    }
}
