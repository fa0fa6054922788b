package fr.civis.vault.storage;

import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;

import org.springframework.stereotype.Component;

/**
 * Sealed contents in S3 under random names: a name says nothing about its owner, its document or its type.
 */
@Component
public class ObjectStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MinioClient client;
    private final StorageProperties settings;

    ObjectStore(StorageProperties settings) {
        this.settings = settings;
        this.client = MinioClient.builder()
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
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(settings.bucket())
                    .object(name)
                    .stream(content, -1L, settings.partSize().toBytes())
                    .contentType("application/octet-stream")
                    .build());
        } catch (Exception e) {
            throw new StorageUnavailableException("put", e);
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

}
