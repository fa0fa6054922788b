package fr.civis.vault.masterkey;

import java.nio.file.Path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import fr.civis.vault.crypto.KeyProperties;
import fr.civis.vault.crypto.KeyProviderUnavailableException;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.MasterKeySources.Store;
import fr.civis.vault.crypto.Pkcs11Token;

/** The master keys (PKCS#12 file and/or PKCS#11 token) and the keyring that uses them. */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfiguration {

    @Bean
    MasterKeySources masterKeySources(KeyProperties keys) {
        Pkcs11Token token = null;
        KeyProperties.Pkcs11 hsm = keys.pkcs11();
        if (hsm != null && (hsm.config() != null || hsm.library() != null)) {
            if (hsm.pin() == null || hsm.pin().isEmpty()) {
                throw new MasterKeyUnavailableException(hsm.sunPkcs11Configuration().lines().findFirst().orElse("?"),
                        new IllegalStateException("civis.keys.pkcs11.pin (CIVIS_KEYS_PKCS11_PIN) is not set"));
            }
            String configuration = hsm.sunPkcs11Configuration();
            try {
                token = Pkcs11Token.open(configuration, hsm.pin().toCharArray(), hsm.retryInterval());
            } catch (KeyProviderUnavailableException unreachable) {
                throw new MasterKeyUnavailableException(hsm.config() != null ? hsm.config().toString()
                        : String.valueOf(hsm.library()), unreachable);
            }
        }
        Path keystore = keys.keystore();
        boolean pkcs12 = keystore != null && keys.passphrase() != null && !keys.passphrase().isEmpty();
        return new MasterKeySources(pkcs12 ? keystore : null, pkcs12 ? keys.passphrase().toCharArray() : null, token);
    }

    @Bean
    MasterKeyRing masterKeyRing(JdbcClient jdbc, MasterKeySources sources, KeyProperties keys) {
        MasterKeyRing ring = new MasterKeyRing(jdbc, sources);
        ring.start(keys.alias(), Store.of(keys.store()));
        return ring;
    }

    @Bean
    Keyring keyring(MasterKeyRing masterKeys, KeyProperties keys) {
        return Keyring.create(masterKeys, keys.segmentSize());
    }
}
