package fr.civis.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class PartBuffersTest {

    private static final int PART = 1024 * 1024;

    @Test
    void aNewBufferStartsSmallAndGrowsByDoublingUpToThePartKeepingWhatItHolds() {
        PartBuffers buffers = new PartBuffers(PART, 1);
        byte[] buffer = buffers.take();
        assertThat(buffer).hasSize(PartBuffers.FIRST_CAPACITY);
        Arrays.fill(buffer, (byte) 7);

        assertThat(buffers.grow(buffer, 10, PartBuffers.FIRST_CAPACITY)).isSameAs(buffer);
        byte[] larger = buffers.grow(buffer, 10, PartBuffers.FIRST_CAPACITY + 1);
        assertThat(larger).hasSize(2 * PartBuffers.FIRST_CAPACITY);
        assertThat(Arrays.copyOf(larger, 11)).containsExactly(7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0);

        assertThat(buffers.grow(larger, 0, 3 * PartBuffers.FIRST_CAPACITY)).hasSize(PART);
        assertThatThrownBy(() -> buffers.grow(larger, 0, PART + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBufferGivenBackIsLentAgainWithItsSizeAndNoMoreThanKeptAreKept() {
        PartBuffers buffers = new PartBuffers(PART, 2);
        byte[] first = buffers.grow(buffers.take(), 0, PART);
        byte[] second = buffers.take();
        byte[] third = buffers.take();
        buffers.give(first);
        buffers.give(second);
        buffers.give(third);

        // Last in, first out; the third did not fit.
        assertThat(buffers.take()).isSameAs(second);
        assertThat(buffers.take()).isSameAs(first).hasSize(PART);
        byte[] fresh = buffers.take();
        assertThat(fresh).isNotSameAs(third).isNotSameAs(first).isNotSameAs(second);
    }

    @Test
    void aPartSmallerThanTheFirstCapacityIsTheWholeBuffer() {
        assertThat(new PartBuffers(1000, 1).take()).hasSize(1000);
    }
}
