package fr.civis.vault;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import fr.civis.vault.crypto.KeyProperties;
import fr.civis.vault.crypto.KeyProvider;
import fr.civis.vault.crypto.KeyStoreKeyProvider;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.storage.ObjectStore;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class VaultConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    KeyProvider masterKey(KeyProperties keys) throws IOException, GeneralSecurityException {
        return KeyStoreKeyProvider.openOrCreate(keys.keystore(), keys.passphrase().toCharArray(), keys.alias());
    }

    @Bean
    Keyring keyring(KeyProvider masterKey, KeyProperties keys) {
        return Keyring.create(masterKey, keys.segmentSize());
    }

    /** The service is ready only once its bucket exists. */
    @Bean
    ApplicationRunner bucket(ObjectStore store) {
        return arguments -> store.ensureBucket();
    }
}
