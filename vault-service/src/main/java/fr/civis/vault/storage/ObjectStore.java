package fr.civis.vault.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.minio.AbortMultipartUploadArgs;
import io.minio.BucketExistsArgs;
import io.minio.Checksum;
import io.minio.CompleteMultipartUploadArgs;
import io.minio.CreateMultipartUploadArgs;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.ListMultipartUploadsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.ObjectWriteArgs;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadPartArgs;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.minio.messages.ListMultipartUploadsResult;
import io.minio.messages.Part;

import org.springframework.stereotype.Component;

/**
 * Sealed contents in S3 under random names: a name says nothing about its owner, its document or its type.
 */
@Component
public class ObjectStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The checksum each part carries. The SDK's default, CRC32C, is computed one byte at a time in Java and cost
     * the vault more CPU than sealing; CRC32 is the JDK's own, an intrinsic (see docs/benchmarks.md). SHA-256,
     * which the SDK computes anyway to sign parts on plain HTTP, is not allowed for single-part objects.
     */
    static final Checksum.Algorithm PART_CHECKSUM = Checksum.Algorithm.CRC32;
    private static final String CONTENT_TYPE = "application/octet-stream";
    /**
     * Part buffers kept between uploads: one per core, as many uploads as can be sealing at the same instant (the
     * others wait for the network or the CPU). 2 × 8 MiB on two cores; more uploads at once allocate their own.
     */
    private static final int KEPT_BUFFERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final MinioClient client;
    /** Multipart uploads part by part (start, part, complete, abort, listing) are only in the asynchronous client. */
    private final MinioAsyncClient uploads;
    /** Objects this instance is writing right now: never aborted, whatever their age. */
    private final Set<String> writing = ConcurrentHashMap.newKeySet();
    private final StorageProperties settings;
    private final PartBuffers buffers;
    private final UploadRequests requests = new S3UploadRequests();

    ObjectStore(StorageProperties settings) {
        this.settings = settings;
        long partSize = settings.partSize().toBytes();
        // S3 refuses parts under 5 MiB but the last; a part is one Java array.
        if (partSize < ObjectWriteArgs.MIN_MULTIPART_SIZE || partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("civis.storage.part-size must be between 5MB and 2GB: " + partSize);
        }
        this.buffers = new PartBuffers((int) partSize, KEPT_BUFFERS);
        this.client = MinioClient.builder()
                .endpoint(settings.endpoint().toString())
                .credentials(settings.accessKey(), settings.secretKey())
                .region(settings.region())
                .build();
        this.uploads = MinioAsyncClient.builder()
                .endpoint(settings.endpoint().toString())
                .credentials(settings.accessKey(), settings.secretKey())
                .region(settings.region())
                .build();
    }

    /** A fresh name: 128 random bits, hex. */
    public static String newObjectName() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(settings.bucket()).region(settings.region()).build());
            }
        } catch (Exception e) {
            throw new StorageUnavailableException("bucket check", e);
        }
    }

    /**
     * Starts writing the object {@code name}, in parts of the configured size, whatever its length: write its bytes,
     * then {@link ObjectUpload#complete} or {@link ObjectUpload#abort}.
     */
    public ObjectUpload upload(String name) {
        writing.add(name);
        return new ObjectUpload(name, requests, buffers, () -> writing.remove(name));
    }

    /** The object's bytes, read again from where they stopped if the connection breaks ({@link ResumingObjectStream}). */
    public InputStream get(String name) {
        try {
            return new ResumingObjectStream(offset -> open(name, offset));
        } catch (IOException e) {
            throw new StorageUnavailableException("get", e);
        }
    }

    private InputStream open(String name, long offset) throws IOException {
        try {
            GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(settings.bucket()).object(name);
            if (offset > 0) {
                args.offset(offset);
            }
            return client.getObject(args.build());
        } catch (MinioException e) {
            // A connection that could not be made or broke is worth another try; an answer of S3 is not.
            if (e.getCause() instanceof IOException broken) {
                throw broken;
            }
            throw new StorageUnavailableException("get", e);
        }
    }

    public void delete(String name) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(name).build());
        } catch (Exception e) {
            throw new StorageUnavailableException("delete", e);
        }
    }

    /** Names of the objects last written before {@code before}. */
    public List<String> namesOlderThan(Instant before) {
        List<String> names = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket()).build())) {
                Item item = result.get();
                if (!item.isDir() && item.lastModified().toInstant().isBefore(before)) {
                    names.add(item.objectName());
                }
            }
        } catch (Exception e) {
            throw new StorageUnavailableException("list", e);
        }
        return names;
    }

    /**
     * Aborts the multipart uploads started before {@code before} and never completed nor aborted: what an upload cut
     * by a crash, or by the store itself going away, leaves as hidden parts. Uploads this instance is still writing
     * are kept however old. Returns how many were aborted.
     */
    public int abortUploadsStartedBefore(Instant before) {
        int aborted = 0;
        try {
            String keyMarker = null;
            String uploadIdMarker = null;
            while (true) {
                ListMultipartUploadsResult page = uploads.listMultipartUploads(ListMultipartUploadsArgs.builder()
                        .bucket(settings.bucket()).keyMarker(keyMarker).uploadIdMarker(uploadIdMarker).build())
                        .get().result();
                for (ListMultipartUploadsResult.Upload upload : page.uploads()) {
                    if (upload.initiated() != null && upload.initiated().toInstant().isBefore(before)
                            && !writing.contains(upload.objectName())) {
                        requests.abortMultipart(upload.objectName(), upload.uploadId());
                        aborted++;
                    }
                }
                if (!page.isTruncated()) {
                    return aborted;
                }
                keyMarker = page.nextKeyMarker();
                uploadIdMarker = page.nextUploadIdMarker();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("list uploads", e);
        } catch (Exception e) {
            throw new StorageUnavailableException("list uploads", e);
        }
    }

    /** The requests of an upload, each with its length known: the client sends the caller's array as it is. */
    private final class S3UploadRequests implements UploadRequests {

        @Override
        public void put(String name, byte[] data, int length) {
            // The client computes the part checksum and, on plain HTTP, the payload's SHA-256 over data itself.
            await(() -> uploads.putObject(PutObjectArgs.builder().bucket(settings.bucket()).object(name)
                    .data(data, length).contentType(CONTENT_TYPE).checksum(PART_CHECKSUM).build()), "put");
        }

        @Override
        public String startMultipart(String name) {
            return await(() -> uploads.createMultipartUpload(CreateMultipartUploadArgs.builder().bucket(settings.bucket())
                    .object(name).headers(new Http.Headers(Http.Headers.CONTENT_TYPE, CONTENT_TYPE,
                            "x-amz-checksum-algorithm", PART_CHECKSUM.toString()))
                    .build()), "start upload").result().uploadId();
        }

        @Override
        public Part putPart(String name, String uploadId, int number, byte[] data, int length) {
            Http.Headers checksum;
            try {
                Map<Checksum.Algorithm, Checksum.Hasher> hashers = Checksum.newHasherMap(
                        new Checksum.Algorithm[] {PART_CHECKSUM});
                Checksum.update(hashers, data, length);
                // As the client's own multipart upload sends it; it adds the payload's SHA-256 on plain HTTP.
                checksum = Checksum.makeHeaders(hashers, false, false);
            } catch (MinioException e) {
                throw new StorageUnavailableException("put part", e);
            }
            return await(() -> uploads.uploadPart(UploadPartArgs.builder().bucket(settings.bucket()).object(name)
                    .uploadId(uploadId).partNumber(number).data(data, length).headers(checksum).build()),
                    "put part").part();
        }

        @Override
        public void completeMultipart(String name, String uploadId, List<Part> parts) {
            await(() -> uploads.completeMultipartUpload(CompleteMultipartUploadArgs.builder().bucket(settings.bucket())
                    .object(name).uploadId(uploadId).parts(parts.toArray(Part[]::new)).build()), "complete upload");
        }

        @Override
        public void abortMultipart(String name, String uploadId) {
            await(() -> uploads.abortMultipartUpload(AbortMultipartUploadArgs.builder().bucket(settings.bucket())
                    .object(name).uploadId(uploadId).build()), "abort upload");
        }

        /** Sends the request and waits for its answer; any failure, even the client's own, is S3 unavailable. */
        private static <T> T await(Supplier<CompletableFuture<T>> request, String operation) {
            try {
                return request.get().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException(operation, e);
            } catch (ExecutionException e) {
                throw new StorageUnavailableException(operation, e.getCause());
            } catch (RuntimeException e) {
                throw new StorageUnavailableException(operation, e);
            }
        }
    }
}
