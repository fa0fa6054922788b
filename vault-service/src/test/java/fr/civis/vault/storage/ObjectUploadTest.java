package fr.civis.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.minio.messages.Part;

/**
 * What an upload asks of S3 and when, against a fake that records each request with a copy of the bytes it carried
 * at that moment (the buffer is reused; the real requests are exercised by the integration tests).
 */
class ObjectUploadTest {

    private static final int PART = 1000;

    private final Recorder s3 = new Recorder();
    private final PartBuffers buffers = new PartBuffers(PART, 1);
    private final AtomicInteger ended = new AtomicInteger();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private ObjectUpload upload() {
        return new ObjectUpload("object", s3, buffers, ended::incrementAndGet);
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Writes in uneven slices, as the sealing stream's segments do not line up with parts. */
    private static void writeInSlices(ObjectUpload upload, byte[] content) throws IOException {
        for (int offset = 0, slice = 1; offset < content.length; offset += slice, slice = slice * 3 % 997 + 1) {
            upload.write(content, offset, Math.min(slice, content.length - offset));
        }
    }

    @Test
    void anObjectWithinOnePartGoesWithOnePutOnlyOnCompleteNotOnClose() throws IOException {
        byte[] content = content(PART);
        ObjectUpload upload = upload();
        writeInSlices(upload, content);
        upload.close();
        assertThat(s3.requests).isEmpty();
        assertThat(ended).hasValue(0);

        upload.complete();
        assertThat(s3.requests).containsExactly("put object " + PART);
        assertThat(s3.stored()).isEqualTo(content);
        assertThat(ended).hasValue(1);
    }

    @Test
    void aLargerObjectIsSentPartByPartAndCompletedOnlyOnComplete() throws IOException {
        byte[] content = content(2 * PART + PART / 2);
        ObjectUpload upload = upload();
        writeInSlices(upload, content);
        upload.close();
        assertThat(s3.requests).containsExactly("start object", "part 1 " + PART, "part 2 " + PART);

        upload.complete();
        assertThat(s3.requests).containsExactly("start object", "part 1 " + PART, "part 2 " + PART,
                "part 3 " + PART / 2, "complete [1, 2, 3]");
        assertThat(s3.stored()).isEqualTo(content);
        assertThat(ended).hasValue(1);
    }

    @Test
    void anObjectOfExactlyPartsHasNoEmptyLastPart() throws IOException {
        byte[] content = content(2 * PART);
        ObjectUpload upload = upload();
        upload.write(content);
        upload.complete();
        assertThat(s3.requests).containsExactly("start object", "part 1 " + PART, "part 2 " + PART,
                "complete [1, 2]");
        assertThat(s3.stored()).isEqualTo(content);
    }

    @Test
    void abortDropsTheSentPartsAndCompletesNothing() throws IOException {
        ObjectUpload upload = upload();
        upload.write(content(PART + 1));
        upload.abort();
        assertThat(s3.requests).containsExactly("start object", "part 1 " + PART, "abort");
        assertThat(ended).hasValue(1);

        upload.abort();
        assertThat(s3.requests).hasSize(3);
        assertThat(ended).hasValue(1);
        assertThatThrownBy(() -> upload.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void abortBeforeAnyPartSendsNothing() throws IOException {
        ObjectUpload upload = upload();
        upload.write(content(PART));
        upload.abort();
        assertThat(s3.requests).isEmpty();
        assertThat(ended).hasValue(1);
    }

    @Test
    void aFailedPartFailsTheWriteAndTheUploadIsStillAborted() throws IOException {
        s3.failParts = true;
        ObjectUpload upload = upload();
        assertThatThrownBy(() -> upload.write(content(PART + 1))).isInstanceOf(StorageUnavailableException.class);
        upload.abort();
        assertThat(s3.requests).containsExactly("start object", "abort");
        assertThat(ended).hasValue(1);
    }

    @Test
    void aFailedAbortIsLeftToTheSweeperQuietly() throws IOException {
        s3.failAbort = true;
        ObjectUpload upload = upload();
        upload.write(content(PART + 1));
        upload.abort();
        assertThat(ended).hasValue(1);
    }

    @Test
    void aFailedCompletionCanBeAborted() throws IOException {
        s3.failComplete = true;
        ObjectUpload upload = upload();
        upload.write(content(PART + 1));
        assertThatThrownBy(upload::complete).isInstanceOf(StorageUnavailableException.class);
        assertThat(ended).hasValue(0);
        upload.abort();
        assertThat(s3.requests).endsWith("abort");
        assertThat(ended).hasValue(1);
    }

    @Test
    void writingAfterCloseFails() {
        ObjectUpload upload = upload();
        upload.close();
        assertThatThrownBy(() -> upload.write(new byte[1])).isInstanceOf(IOException.class);
    }

    @Test
    void theBufferIsLentAgainAfterTheUploadUnlessAWaitWasInterrupted() throws IOException {
        ObjectUpload first = upload();
        first.write(content(10));
        first.complete();
        byte[] lent = buffers.take();
        buffers.give(lent);

        ObjectUpload second = upload();
        second.write(content(10));
        Thread.currentThread().interrupt();
        second.abort();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(buffers.take()).isNotSameAs(lent);
    }

    /** Records requests; each part's bytes are copied when sent. */
    private static final class Recorder implements UploadRequests {

        final List<String> requests = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        boolean failParts;
        boolean failAbort;
        boolean failComplete;

        byte[] stored() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            sent.forEach(all::writeBytes);
            return all.toByteArray();
        }

        @Override
        public void put(String name, byte[] data, int length) {
            requests.add("put " + name + " " + length);
            sent.add(Arrays.copyOf(data, length));
        }

        @Override
        public String startMultipart(String name) {
            requests.add("start " + name);
            return "upload-1";
        }

        @Override
        public Part putPart(String name, String uploadId, int number, byte[] data, int length) {
            if (failParts) {
                throw new StorageUnavailableException("put part", new IOException("connection refused"));
            }
            requests.add("part " + number + " " + length);
            sent.add(Arrays.copyOf(data, length));
            return new Part(number, "etag-" + number);
        }

        @Override
        public void completeMultipart(String name, String uploadId, List<Part> parts) {
            if (failComplete) {
                throw new StorageUnavailableException("complete upload", new IOException("connection reset"));
            }
            requests.add("complete " + parts.stream().map(Part::partNumber).toList());
        }

        @Override
        public void abortMultipart(String name, String uploadId) {
            requests.add("abort");
            if (failAbort) {
                throw new StorageUnavailableException("abort upload", new IOException("connection refused"));
            }
        }
    }
}
