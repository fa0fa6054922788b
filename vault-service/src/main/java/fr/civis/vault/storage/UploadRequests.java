package fr.civis.vault.storage;

import java.util.List;

import io.minio.messages.Part;

/**
 * The S3 requests an {@link ObjectUpload} sends, each with its exact length and the part checksum. Each either
 * succeeds or throws {@link StorageUnavailableException}.
 */
interface UploadRequests {

    /** Stores {@code data[0, length)} under {@code name} with one PUT: readable as soon as this returns. */
    void put(String name, byte[] data, int length);

    /** Starts a multipart upload of {@code name} and returns its id; nothing is readable until it is completed. */
    String startMultipart(String name);

    /** Sends {@code data[0, length)} as part {@code number} (from 1) and returns what completion needs of it. */
    Part putPart(String name, String uploadId, int number, byte[] data, int length);

    /** Makes the parts, in order, the object {@code name}. */
    void completeMultipart(String name, String uploadId, List<Part> parts);

    /** Drops the parts sent; S3 forgets the upload. */
    void abortMultipart(String name, String uploadId);
}
