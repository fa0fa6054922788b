package fr.civis.vault.storage;

import java.util.ArrayDeque;

/**
 * The buffers uploads fill with sealed bytes, lent and taken back, so that steady uploads allocate none: the S3
 * client's own part buffer grew by doubling for every upload (17 of the 24.5 MB a 5 MiB upload allocated, and most
 * of its GC; docs/benchmarks.md §12). A buffer starts small, grows as its uploads need, never past the part size,
 * and keeps its size when it comes back: a 200 KB document does not hold a part's worth of heap unless a pooled
 * buffer had grown already.
 *
 * <p>At most {@code kept} buffers are kept between uploads (at most {@code kept} × part size of heap; part-sized
 * arrays are humongous for G1, allocated once rather than per upload). An upload that finds none gets a new one,
 * dropped at its end when the pool is full: an upload in progress holds at most one part size, whatever the
 * document's size, as it did with the client's buffer.
 */
final class PartBuffers {

    /** Below half a G1 region of the smallest heaps: a new buffer is an ordinary allocation. */
    static final int FIRST_CAPACITY = 256 * 1024;

    private final int partSize;
    private final int kept;
    /** Last in, first out: the buffer just given back is the one most likely still in the CPU's caches. */
    private final ArrayDeque<byte[]> idle = new ArrayDeque<>();

    PartBuffers(int partSize, int kept) {
        if (partSize <= 0 || kept < 0) {
            throw new IllegalArgumentException("part size " + partSize + ", kept " + kept);
        }
        this.partSize = partSize;
        this.kept = kept;
    }

    int partSize() {
        return partSize;
    }

    synchronized byte[] take() {
        byte[] buffer = idle.pollFirst();
        return buffer != null ? buffer : new byte[Math.min(FIRST_CAPACITY, partSize)];
    }

    /** A buffer of at least {@code needed} bytes (at most the part size) with the first {@code filled} of {@code buffer}. */
    byte[] grow(byte[] buffer, int filled, int needed) {
        if (needed <= buffer.length) {
            return buffer;
        }
        if (needed > partSize) {
            throw new IllegalArgumentException(needed + " bytes is more than a part");
        }
        byte[] larger = new byte[(int) Math.min(partSize, Math.max(needed, 2L * buffer.length))];
        System.arraycopy(buffer, 0, larger, 0, filled);
        return larger;
    }

    synchronized void give(byte[] buffer) {
        if (idle.size() < kept) {
            idle.addFirst(buffer);
        }
    }
}
