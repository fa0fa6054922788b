package fr.civis.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.AEADBadTagException;
import javax.crypto.KeyGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreKeyProviderTest {

    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    private static final byte[] AD = "civis:v1:test".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void createsTheKeyStoreOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("secrets/master.p12");

        KeyStoreKeyProvider provider = KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("master.p12");
        }
        assertThat(provider.keyId()).isEqualTo("civis-master-1");
    }

    @Test
    void reopenedWithTheRightPassphraseItUnwrapsWhatItWrappedBefore() throws Exception {
        Path file = dir.resolve("master.p12");
        byte[] secret = "a serialized keyset, say".getBytes(StandardCharsets.UTF_8);
        byte[] wrapped = KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1").wrap(secret, AD);
        String owner = Fixtures.owner();
        byte[] sealedCitizenKey = Keyring.create(KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1"))
                .newCitizenKey(owner);
        byte[] before = Files.readAllBytes(file);

        // A restart: a new process opens the same file with the passphrase from its environment.
        KeyStoreKeyProvider reopened = KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE.clone(), "civis-master-1");

        assertThat(reopened.unwrap(wrapped, AD)).isEqualTo(secret);
        assertThat(Keyring.create(reopened).openCitizenKey(owner, sealedCitizenKey).owner()).isEqualTo(owner);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aWrongPassphraseFailsClearly() throws Exception {
        Path file = dir.resolve("master.p12");
        KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, "not-the-passphrase".toCharArray(),
                "civis-master-1"))
                .isInstanceOf(UnrecoverableKeyException.class)
                .hasMessageContaining("wrong passphrase")
                .hasMessageContaining(file.toString())
                .hasMessageNotContaining("not-the-passphrase")
                .hasMessageNotContaining(new String(PASSPHRASE));
        assertThat(Files.readAllBytes(file)).isEqualTo(before); // never replaced
    }

    @Test
    void aMissingAliasIsRefusedRatherThanANewKeyMade() throws Exception {
        Path file = dir.resolve("master.p12");
        KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");

        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-2"))
                .isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("no key 'civis-master-2'")
                .hasMessageContaining("civis-master-1");
    }

    @Test
    void aKeyStoreOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("master.p12");
        KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aDamagedKeyStoreIsNotReplaced() throws Exception {
        Path file = dir.resolve("master.p12");
        Files.write(file, new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1"))
                .isInstanceOfAny(IOException.class, UnrecoverableKeyException.class);
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void twoProcessesStartingTogetherShareOneKey() throws Exception {
        Path file = dir.resolve("master.p12");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<KeyStoreKeyProvider>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<KeyStoreKeyProvider> start = () ->
                        KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");
                starts.add(pool.submit(start));
            }
            byte[] wrapped = starts.get(0).get().wrap(new byte[] {42}, AD);
            for (Future<KeyStoreKeyProvider> start : starts) {
                assertThat(start.get().unwrap(wrapped, AD)).containsExactly(42);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrappingIsVersionedRandomizedAndAuthenticated() throws Exception {
        KeyStoreKeyProvider provider = KeyStoreKeyProvider.openOrCreate(dir.resolve("m.p12"), PASSPHRASE, "m");
        byte[] secret = new byte[32];

        byte[] first = provider.wrap(secret, AD);
        byte[] second = provider.wrap(secret, AD);

        assertThat(first).hasSize(1 + 12 + 32 + 16);
        assertThat(first[0]).isEqualTo((byte) 1);
        assertThat(first).isNotEqualTo(second);
        assertThat(provider.unwrap(second, AD)).isEqualTo(secret);
        assertThatThrownBy(() -> provider.unwrap(first, "civis:v1:other".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(AEADBadTagException.class);
        for (int i = 0; i < first.length; i++) {
            byte[] tampered = first.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> provider.unwrap(tampered, AD)).isInstanceOf(AEADBadTagException.class);
        }
        assertThatThrownBy(() -> provider.unwrap(new byte[5], AD)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void theFileAndTheWrappedKeysDoNotHoldTheMasterKeyInClear() throws Exception {
        Path file = dir.resolve("master.p12");
        KeyStoreKeyProvider provider = KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");
        byte[] sealedCitizenKey = Keyring.create(provider).newCitizenKey(Fixtures.owner());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSPHRASE);
        }
        byte[] masterKeyBytes = keyStore.getKey("civis-master-1", PASSPHRASE).getEncoded();

        assertThat(masterKeyBytes).hasSize(32);
        assertThat(Fixtures.contains(Files.readAllBytes(file), masterKeyBytes)).isFalse();
        assertThat(Fixtures.contains(sealedCitizenKey, masterKeyBytes)).isFalse();
        assertThat(provider.toString()).doesNotContain(new String(PASSPHRASE));
    }

    @Test
    void refusesWeakOrAmbiguousSettings() throws Exception {
        Path file = dir.resolve("master.p12");
        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, new char[0], "civis-master-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "Civis-Master-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(file)).isFalse();

        KeyGenerator aes128 = KeyGenerator.getInstance("AES");
        aes128.init(128);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setEntry("short", new KeyStore.SecretKeyEntry(aes128.generateKey()),
                new KeyStore.PasswordProtection(PASSPHRASE));
        assertThatThrownBy(() -> KeyStoreKeyProvider.fromKeyStore(keyStore, "short", PASSPHRASE))
                .isInstanceOf(KeyStoreException.class).hasMessageContaining("AES-256 is required");
        assertThatThrownBy(() -> KeyStoreKeyProvider.fromKeyStore(keyStore, "absent", PASSPHRASE))
                .isInstanceOf(KeyStoreException.class);
    }

    @Test
    void aRotatedKeyIsAddedBesideTheOthersOwnerOnlyAndNeverTwice() throws Exception {
        Path file = dir.resolve("master.p12");
        KeyStoreKeyProvider first = KeyStoreKeyProvider.openOrCreate(file, PASSPHRASE, "civis-master-1");
        byte[] wrappedBefore = first.wrap(new byte[32], AD);

        KeyStoreKeyProvider second = KeyStoreKeyProvider.addKey(file, PASSPHRASE, "civis-master-2");

        assertThat(second.keyId()).isEqualTo("civis-master-2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // The first key is still there, the same: what it wrapped still opens.
        assertThat(KeyStoreKeyProvider.open(file, PASSPHRASE, "civis-master-1").unwrap(wrappedBefore, AD))
                .isEqualTo(new byte[32]);
        byte[] wrapped = second.wrap(new byte[32], AD);
        assertThat(KeyStoreKeyProvider.open(file, PASSPHRASE, "civis-master-2").unwrap(wrapped, AD))
                .isEqualTo(new byte[32]);
        assertThatThrownBy(() -> first.unwrap(wrapped, AD)).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> KeyStoreKeyProvider.addKey(file, PASSPHRASE, "civis-master-2"))
                .isInstanceOf(KeyStoreException.class).hasMessageContaining("already has");
        // Only the key store and its (owner-only) lock file: no temporary file left.
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("master.p12",
                    ".master.p12.lock");
        }
        // open never creates.
        assertThatThrownBy(() -> KeyStoreKeyProvider.open(dir.resolve("absent.p12"), PASSPHRASE, "civis-master-1"))
                .isInstanceOf(IOException.class);
    }
}
