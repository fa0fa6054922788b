package fr.civis.vault.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.minio.messages.Part;

/**
 * One object being written to S3, fed by the sealing stream in the request thread. Each byte is copied once, into a
 * pooled part buffer ({@link PartBuffers}), and the S3 client sends it from there with its known length: no pipe,
 * no second thread, no buffer growing per upload.
 *
 * <p>An object that fits in one part goes with one PUT in {@link #complete}; a larger one is a multipart upload whose
 * parts go as the buffer fills, completed only in {@link #complete}. So nothing is readable in S3 before
 * {@code complete()}: closing this stream does not complete it (a {@code close()} on a failure path must not publish
 * half a document), and {@link #abort} drops the parts sent. A crash leaves at most an incomplete multipart upload,
 * which the orphan sweeper aborts.
 *
 * <p>For one thread: the request that seals the document.
 */
public final class ObjectUpload extends OutputStream {

    private final String name;
    private final UploadRequests s3;
    private final PartBuffers buffers;
    /** Called once, when the upload is completed or aborted. */
    private final Runnable ended;
    private final List<Part> parts = new ArrayList<>();
    private byte[] part;
    private int filled;
    private String uploadId;
    private boolean closed;
    private boolean finished;

    ObjectUpload(String name, UploadRequests s3, PartBuffers buffers, Runnable ended) {
        this.name = name;
        this.s3 = s3;
        this.buffers = buffers;
        this.ended = ended;
        this.part = buffers.take();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed || finished) {
            throw new IOException("Upload closed");
        }
        while (length > 0) {
            if (filled == buffers.partSize()) {
                // Sent only once more bytes come: the last part is never empty, and an object of exactly one part
                // still goes with one PUT.
                sendPart();
            }
            int count = Math.min(length, buffers.partSize() - filled);
            part = buffers.grow(part, filled, filled + count);
            System.arraycopy(bytes, offset, part, filled, count);
            filled += count;
            offset += count;
            length -= count;
        }
    }

    private void sendPart() {
        if (uploadId == null) {
            uploadId = s3.startMultipart(name);
        }
        parts.add(s3.putPart(name, uploadId, parts.size() + 1, part, filled));
        filled = 0;
    }

    /** No more bytes; the object is not completed (see {@link #complete}). */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * Makes what was written the object, readable from now on: call it only once the content is known to be
     * acceptable and its last byte written. On failure ({@link StorageUnavailableException}) call {@link #abort}.
     */
    public void complete() {
        if (finished) {
            throw new IllegalStateException("Upload already finished");
        }
        closed = true;
        if (uploadId == null) {
            s3.put(name, part, filled);
        } else {
            sendPart();
            s3.completeMultipart(name, uploadId, parts);
        }
        finish();
    }

    /**
     * Drops the upload: the parts sent are aborted. Quiet: a failed abort leaves an incomplete upload to the orphan
     * sweeper. Does nothing once completed.
     */
    public void abort() {
        if (finished) {
            return;
        }
        closed = true;
        try {
            if (uploadId != null) {
                s3.abortMultipart(name, uploadId);
            }
        } catch (StorageUnavailableException leftToTheSweeper) {
            // Nothing readable was made; the sweeper aborts the upload once it is older than the grace period.
        } finally {
            finish();
        }
    }

    private void finish() {
        finished = true;
        // An interrupted wait may leave the S3 client still sending from the buffer: then it is not lent again.
        if (!Thread.currentThread().isInterrupted()) {
            buffers.give(part);
        }
        part = null;
        ended.run();
    }
}
