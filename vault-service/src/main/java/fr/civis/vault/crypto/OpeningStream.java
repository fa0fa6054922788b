package fr.civis.vault.crypto;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Objects;

import com.google.crypto.tink.StreamingAead;

/**
 * Tink's decrypting stream, with its failures told apart: the source's own I/O errors go through unchanged, every
 * other failure (a segment that does not authenticate, a truncated or extended stream, a header for another key)
 * becomes a {@link SealBrokenException}, and stays so on later reads.
 */
final class OpeningStream extends InputStream {

    /**
     * Tink's keyset-level decrypter marks its source until the first read has authenticated a segment, buffering
     * everything read meanwhile; a small first read keeps that to one segment whatever buffer the caller passes.
     */
    private static final int FIRST_READ_LIMIT = 512;

    private final WatchedSource source;
    private final InputStream plaintext;
    private final String what;
    private boolean started;
    private Throwable broken;

    static InputStream open(StreamingAead streamingAead, InputStream ciphertextSource, byte[] associatedData,
            String what) throws SealBrokenException {
        WatchedSource source = new WatchedSource(Objects.requireNonNull(ciphertextSource, "ciphertextSource"));
        try {
            return new OpeningStream(source, streamingAead.newDecryptingStream(source, associatedData), what);
        } catch (GeneralSecurityException | IOException e) {
            throw new SealBrokenException(what, e);
        }
    }

    private OpeningStream(WatchedSource source, InputStream plaintext, String what) {
        this.source = source;
        this.plaintext = plaintext;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (broken != null) {
            throw new SealBrokenException(what, broken);
        }
        if (length == 0) {
            return 0;
        }
        try {
            int n = plaintext.read(buffer, offset, started ? length : Math.min(length, FIRST_READ_LIMIT));
            started = true;
            return n;
        } catch (IOException | RuntimeException e) {
            rethrowSourceFailure();
            broken = e;
            throw new SealBrokenException(what, e);
        }
    }

    @Override
    public void close() throws IOException {
        plaintext.close();
    }

    private void rethrowSourceFailure() throws IOException {
        Throwable failure = source.failure;
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    /** Remembers the first failure of the ciphertext source, which Tink may otherwise report as a wrong key. */
    private static final class WatchedSource extends FilterInputStream {
        private Throwable failure;

        WatchedSource(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException | RuntimeException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public synchronized void reset() throws IOException {
            try {
                super.reset();
            } catch (IOException | RuntimeException e) {
                remember(e);
                throw e;
            }
        }

        private void remember(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
