package fr.civis.vault.crypto;

import java.nio.file.Path;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The development master key: a PKCS#12 keystore created at first start, owner-only. Production replaces the
 * {@link KeyProvider} bean with a PKCS#11 HSM or a KMS (docs/adr/0004-envelope-encryption.md).
 *
 * @param keystore     the keystore file
 * @param passphrase   its passphrase, from the environment (never in a committed file)
 * @param alias        the master key's entry
 * @param segmentSize  streaming AEAD segment size in bytes, chosen by measurement (docs/benchmarks.md)
 */
@Validated
@ConfigurationProperties("civis.keys")
public record KeyProperties(
        @NotNull Path keystore,
        @NotBlank String passphrase,
        @DefaultValue("civis-master-1") String alias,
        @DefaultValue("65536") int segmentSize) {

    @Override
    public String toString() {
        return "KeyProperties[keystore=" + keystore + ", alias=" + alias + ", segmentSize=" + segmentSize + "]";
    }
}
