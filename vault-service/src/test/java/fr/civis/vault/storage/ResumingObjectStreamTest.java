package fr.civis.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ResumingObjectStreamTest {

    private static final byte[] OBJECT = new byte[300_000];

    static {
        new Random(7).nextBytes(OBJECT);
    }

    /** An object store whose connections each break after {@code bytesPerConnection} bytes, as an idle timeout would. */
    private static final class BreakingStore implements ResumingObjectStream.Opener {

        final List<Long> offsets = new ArrayList<>();
        final int bytesPerConnection;

        BreakingStore(int bytesPerConnection) {
            this.bytesPerConnection = bytesPerConnection;
        }

        @Override
        public InputStream open(long offset) {
            offsets.add(offset);
            return new InputStream() {
                long position = offset;
                int served;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] buffer, int at, int length) throws IOException {
                    if (length == 0) {
                        return 0;
                    }
                    if (position == OBJECT.length) {
                        return -1;
                    }
                    if (served == bytesPerConnection) {
                        throw new IOException("unexpected end of stream");
                    }
                    int read = (int) Math.min(Math.min(length, bytesPerConnection - served), OBJECT.length - position);
                    System.arraycopy(OBJECT, (int) position, buffer, at, read);
                    position += read;
                    served += read;
                    return read;
                }
            };
        }
    }

    @Test
    void aBrokenConnectionIsPickedUpFromTheFirstByteNotYetRead() throws IOException {
        BreakingStore store = new BreakingStore(70_000);
        try (InputStream in = new ResumingObjectStream(store)) {
            assertThat(in.readAllBytes()).isEqualTo(OBJECT);
        }
        assertThat(store.offsets).containsExactly(0L, 70_000L, 140_000L, 210_000L, 280_000L);
    }

    @Test
    void anObjectReadWithoutABreakIsOpenedOnce() throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (InputStream in = new ResumingObjectStream(offset -> {
            offsets.add(offset);
            return new ByteArrayInputStream(OBJECT);
        })) {
            assertThat(in.readAllBytes()).isEqualTo(OBJECT);
        }
        assertThat(offsets).containsExactly(0L);
    }

    @Test
    void breaksInARowWithNothingReadBetweenThemMeanTheStoreIsUnavailable() throws IOException {
        BreakingStore store = new BreakingStore(0);
        try (InputStream in = new ResumingObjectStream(store)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(StorageUnavailableException.class);
        }
        assertThat(store.offsets).hasSize(ResumingObjectStream.ATTEMPTS);
    }

    @Test
    void aStoreThatCannotBeReachedAgainIsUnavailableToo() throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (InputStream in = new ResumingObjectStream(offset -> {
            offsets.add(offset);
            if (offset > 0) {
                throw new IOException("connection refused");
            }
            return new BreakingStore(1_000).open(0);
        })) {
            byte[] first = in.readNBytes(1_000);
            assertThat(first).isEqualTo(Arrays.copyOf(OBJECT, 1_000));
            assertThatThrownBy(in::readAllBytes).isInstanceOf(StorageUnavailableException.class);
        }
        assertThat(offsets).containsExactly(0L, 1_000L, 1_000L);
    }
}
