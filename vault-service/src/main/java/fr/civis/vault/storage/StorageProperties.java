package fr.civis.vault.storage;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The S3 store holding sealed document contents (MinIO in production, s3proxy in development).
 *
 * @param endpoint    S3 endpoint
 * @param accessKey   access key of the vault's own account
 * @param secretKey   its secret key
 * @param bucket      created at start when missing
 * @param region      signing region
 * @param partSize    size of each part of a multipart upload (S3 minimum 5 MiB); bounds the memory of one upload.
 *                    A sealed content that fits in one part is stored with one PUT: 8 MiB lets the common
 *                    documents (a 5 MB scan) go in one request instead of three (docs/benchmarks.md)
 * @param orphanGrace how old an object with no document row must be before the sweeper removes it
 */
@Validated
@ConfigurationProperties("civis.storage")
public record StorageProperties(
        @NotNull URI endpoint,
        @NotBlank String accessKey,
        @NotBlank String secretKey,
        @DefaultValue("civis-vault") String bucket,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("8MB") DataSize partSize,
        @DefaultValue("1h") Duration orphanGrace) {

    @Override
    public String toString() {
        return "StorageProperties[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + "]";
    }
}
