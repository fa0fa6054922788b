package fr.civis.vault.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.Digests;

/**
 * {@link DocumentReader#copyVerified}: what its reader receives when the plaintext matches its digest, when it does
 * not, when a segment does not open, and when the reader goes away.
 */
class VerifiedCopyTest {

    private static final Function<Exception, ProblemException> BROKEN =
            cause -> new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "document-corrupted", cause);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 6 * 1024 * 1024 + 17})
    void aMatchingPlaintextArrivesWhole(int size) throws IOException {
        byte[] plaintext = random(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DocumentReader.copyVerified(new Trickling(plaintext), sha256(plaintext), out, BROKEN);

        assertThat(out.toByteArray()).isEqualTo(plaintext);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 65_536, 65_537, 6 * 1024 * 1024 + 17})
    void aPlaintextThatDoesNotMatchItsDigestNeverArrivesWhole(int size) {
        byte[] plaintext = random(size);
        byte[] otherDigest = sha256(Arrays.copyOf(plaintext, size - 1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> DocumentReader.copyVerified(new Trickling(plaintext), otherDigest, out, BROKEN))
                .isInstanceOf(ProblemException.class).hasFieldOrPropertyWithValue("code", "document-corrupted");

        // What did arrive is the plaintext's beginning, and short of its end.
        assertThat(out.size()).isLessThan(size);
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(plaintext, out.size()));
    }

    @Test
    void aSegmentThatDoesNotOpenIsTheDocumentsFault() {
        byte[] plaintext = random(300_000);
        InputStream breaksHalfWay = new FilterInputStream(new Trickling(plaintext)) {
            private int read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read > 150_000) {
                    throw new IOException("segment 3 did not open");
                }
                int count = super.read(buffer, offset, length);
                read += Math.max(count, 0);
                return count;
            }
        };

        assertThatThrownBy(() -> DocumentReader.copyVerified(breaksHalfWay, sha256(plaintext),
                new ByteArrayOutputStream(), BROKEN))
                .isInstanceOf(ProblemException.class).cause().hasMessage("segment 3 did not open");
    }

    @Test
    void aReaderWhoLeavesIsNotADocumentFault() {
        byte[] plaintext = random(300_000);
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (length > 0) {
                    throw new IOException("Broken pipe");
                }
            }
        };

        assertThatThrownBy(() -> DocumentReader.copyVerified(new Trickling(plaintext), sha256(plaintext), gone,
                BROKEN)).isExactlyInstanceOf(IOException.class).hasMessage("Broken pipe");
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) {
        return Digests.sha256().digest(bytes);
    }

    /** Gives out at most 10,000 bytes per read, as a stream of segments does, never a buffer's worth at once. */
    private static final class Trickling extends ByteArrayInputStream {

        Trickling(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            return super.read(buffer, offset, Math.min(length, 10_000));
        }
    }
}
