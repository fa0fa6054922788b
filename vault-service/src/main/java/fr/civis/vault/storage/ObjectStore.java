package fr.civis.vault.storage;

import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.minio.AbortMultipartUploadArgs;
import io.minio.BucketExistsArgs;
import io.minio.Checksum;
import io.minio.GetObjectArgs;
import io.minio.ListMultipartUploadsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.minio.messages.ListMultipartUploadsResult;

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

    private final MinioClient client;
    /** Multipart upload listing and abort are only in the asynchronous client. */
    private final MinioAsyncClient uploads;
    /** Objects this instance is writing right now: never aborted, whatever their age. */
    private final Set<String> writing = ConcurrentHashMap.newKeySet();
    private final StorageProperties settings;

    ObjectStore(StorageProperties settings) {
        this.settings = settings;
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

    /** Stores the stream under {@code name}, in parts of the configured size, whatever its length. */
    public void put(String name, InputStream content) {
        writing.add(name);
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(settings.bucket())
                    .object(name)
                    .stream(content, -1L, settings.partSize().toBytes())
                    .contentType("application/octet-stream")
                    .checksum(PART_CHECKSUM)
                    .build());
        } catch (Exception e) {
            throw new StorageUnavailableException("put", e);
        } finally {
            writing.remove(name);
        }
    }

    public InputStream get(String name) {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(settings.bucket()).object(name).build());
        } catch (Exception e) {
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
                        uploads.abortMultipartUpload(AbortMultipartUploadArgs.builder().bucket(settings.bucket())
                                .object(upload.objectName()).uploadId(upload.uploadId()).build()).get();
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
}
