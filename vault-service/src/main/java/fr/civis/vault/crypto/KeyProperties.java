package fr.civis.vault.crypto;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the vault's master keys live (docs/adr/0004-envelope-encryption.md, docs/adr/0016-master-key-rotation.md).
 * Development: a PKCS#12 key store created at first start, owner-only. Production: a PKCS#11 HSM
 * ({@code civis.keys.pkcs11.*}, PIN from {@code CIVIS_KEYS_PKCS11_PIN}). Once the database exists, it names the
 * current master key and where each key lives; {@code alias} and {@code store} only name the first one.
 *
 * @param keystore    the PKCS#12 key store file, if any
 * @param passphrase  its passphrase, from the environment (never in a committed file)
 * @param alias       the first master key's alias or token label, on a fresh database
 * @param store       where that first key lives: {@code pkcs12} or {@code pkcs11}
 * @param segmentSize streaming AEAD segment size in bytes, chosen by measurement (docs/benchmarks.md)
 * @param pkcs11      the HSM, if any
 * @param rotation    how master-key rotations run
 */
@Validated
@ConfigurationProperties("civis.keys")
public record KeyProperties(
        Path keystore,
        String passphrase,
        @DefaultValue("civis-master-1") @NotBlank String alias,
        @DefaultValue("pkcs12") @Pattern(regexp = "pkcs12|pkcs11") String store,
        @DefaultValue("65536") int segmentSize,
        @Valid Pkcs11 pkcs11,
        @Valid @DefaultValue Rotation rotation) {

    /**
     * A PKCS#11 token through the JDK's SunPKCS11: either a SunPKCS11 configuration file ({@code config}), or
     * {@code library} and one of {@code slot} (slot id) or {@code slotListIndex}; SunPKCS11 cannot pick a token
     * by its label.
     *
     * @param pin           the user PIN, from the environment ({@code CIVIS_KEYS_PKCS11_PIN})
     * @param retryInterval after an outage, how long before the next login attempt
     */
    public record Pkcs11(Path config, Path library, Long slot, Integer slotListIndex, String pin,
            @DefaultValue("2s") Duration retryInterval) {

        /** The SunPKCS11 configuration: the file's path, or the text built from library and slot. */
        public String sunPkcs11Configuration() {
            if (config != null) {
                return config.toAbsolutePath().toString();
            }
            if (library == null) {
                throw new IllegalStateException("civis.keys.pkcs11 needs config, or library and slot");
            }
            return Pkcs11Token.configuration("civis", library, slot,
                    slot == null && slotListIndex == null ? Integer.valueOf(0) : slotListIndex);
        }

        @Override
        public String toString() {
            return "Pkcs11[config=" + config + ", library=" + library + ", slot=" + slot + ", slotListIndex="
                    + slotListIndex + ", pin=" + (pin == null ? "unset" : "(set)") + "]";
        }
    }

    /**
     * @param batchSize    citizen keys rewrapped per transaction
     * @param pollInterval how often each instance looks for a rotation to run (or resume)
     * @param maxRate      citizen keys rewrapped per second at most: a rotation runs in the background and must leave
     *                     the CPU to citizens' uploads and downloads (docs/benchmarks.md §6; 1,000/s rewraps 100,000
     *                     citizens in under two minutes and takes about a fifth of a core)
     */
    public record Rotation(@DefaultValue("500") @Min(1) @Max(10_000) int batchSize,
            @DefaultValue("5s") Duration pollInterval, @DefaultValue("1000") @Min(1) int maxRate) {
    }

    @Override
    public String toString() {
        return "KeyProperties[keystore=" + keystore + ", alias=" + alias + ", store=" + store + ", segmentSize="
                + segmentSize + ", pkcs11=" + pkcs11 + ", rotation=" + rotation + "]";
    }
}
