package fr.civis.vault.crypto;

import static fr.civis.vault.crypto.Fixtures.open;
import static fr.civis.vault.crypto.Fixtures.owner;
import static fr.civis.vault.crypto.Fixtures.random;
import static fr.civis.vault.crypto.Fixtures.ref;
import static fr.civis.vault.crypto.Fixtures.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The master key in a real PKCS#11 token (SoftHSM2): generated inside it, non-extractable and sensitive; the vault's
 * key hierarchy seals and opens through it; its bytes cannot be read out; when the token goes away operations fail
 * as "unavailable" (never as a broken seal) and resume once it is back.
 */
class Pkcs11TokenTest {

    private static Pkcs11Token token;

    @BeforeAll
    static void token() throws Exception {
        token = SoftHsm.token();
    }

    private static String label() {
        return "k-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aKeyGeneratedInTheTokenCannotBeReadOut() throws Exception {
        String label = label();
        token.generateKey(label);

        // The token's own answers, through PKCS#11: born inside, sensitive, never extractable, AES-256.
        SoftHsm.TokenAnswers answers = SoftHsm.askToken(label);
        assertThat(answers.sensitive()).isTrue();
        assertThat(answers.extractable()).isFalse();
        assertThat(answers.alwaysSensitive()).as("sensitive since generation").isTrue();
        assertThat(answers.neverExtractable()).as("never extractable since generation").isTrue();
        assertThat(answers.valueLength()).isEqualTo(32);
        assertThat(answers.valueReadOut()).as("C_GetAttributeValue(CKA_VALUE)").contains("CKR_ATTRIBUTE_SENSITIVE");

        // And through JCA: no encoding, no key spec.
        KeyStore keyStore = KeyStore.getInstance("PKCS11", token.provider());
        keyStore.load(null, SoftHsm.PIN.toCharArray());
        Key key = keyStore.getKey(label, null);
        assertThat(key).isInstanceOf(SecretKey.class);
        assertThat(key.getEncoded()).isNull();
        assertThatThrownBy(() -> SecretKeyFactory.getInstance("AES", token.provider())
                .getKeySpec((SecretKey) key, SecretKeySpec.class))
                .isInstanceOf(java.security.spec.InvalidKeySpecException.class);
    }

    @Test
    void theKeyringSealsAndOpensThroughTheToken() throws Exception {
        String label = label();
        token.generateKey(label);
        KeyProvider master = token.key(label);
        assertThat(master.keyId()).isEqualTo(label);
        Keyring keyring = Keyring.create(master);

        String owner = owner();
        byte[] sealedCitizenKey = keyring.newCitizenKey(owner);
        assertThat(Keyring.masterKeyIdOf(sealedCitizenKey)).isEqualTo(label);
        CitizenKey citizenKey = keyring.openCitizenKey(owner, sealedCitizenKey);
        DocumentRef ref = ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);
        byte[] sealedDocumentKey = keyring.sealDocumentKey(documentKey, citizenKey);
        byte[] content = random(300_000);
        byte[] ciphertext = seal(documentKey, content, 1);
        byte[] title = documentKey.sealField("title", "Avis d'imposition 2026");

        // A fresh keyring on the same token key (another instance, or after a restart) opens it all.
        Keyring again = Keyring.create(token.key(label));
        CitizenKey reopenedCitizen = again.openCitizenKey(owner, sealedCitizenKey);
        DocumentKey reopened = again.openDocumentKey(ref, sealedDocumentKey, reopenedCitizen);
        assertThat(open(reopened, ciphertext, 1)).isEqualTo(content);
        assertThat(reopened.openField("title", title)).isEqualTo("Avis d'imposition 2026");

        // A flipped byte of the wrapped citizen key is a broken seal, not an outage.
        byte[] tampered = sealedCitizenKey.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> again.openCitizenKey(owner, tampered)).isInstanceOf(SealBrokenException.class);
        // Another owner's subject does not open it either (associated data checked inside the token).
        assertThatThrownBy(() -> again.openCitizenKey(owner(), sealedCitizenKey))
                .isInstanceOf(SealBrokenException.class);
    }

    @Test
    void whenTheTokenGoesAwayOperationsAreUnavailableThenResume() throws Exception {
        String label = label();
        token.generateKey(label);
        Keyring keyring = Keyring.create(token.key(label));
        String owner = owner();
        byte[] sealed = keyring.newCitizenKey(owner);

        SoftHsm.logout(token); // the session's login is gone, as after an HSM restart: every key handle is void

        assertThatThrownBy(() -> keyring.openCitizenKey(owner, sealed))
                .isInstanceOf(KeyProviderUnavailableException.class)
                .isNotInstanceOf(SealBrokenException.class)
                .hasMessageContaining("PKCS#11 token")
                .hasMessageNotContaining(SoftHsm.PIN);
        assertThatThrownBy(() -> keyring.newCitizenKey(owner)).isInstanceOf(KeyProviderUnavailableException.class);
        assertThat(token.toString()).contains("down");

        Thread.sleep(SoftHsm.RETRY.toMillis() + 100);
        // The next call logs in again and finds its key afresh: service resumes without a restart.
        assertThat(keyring.openCitizenKey(owner, sealed).owner()).isEqualTo(owner);
        assertThat(Keyring.masterKeyIdOf(keyring.newCitizenKey(owner))).isEqualTo(label);
        assertThat(token.toString()).doesNotContain("down");
    }

    @Test
    void anUnreachableTokenIsRefusedAtOpenWithItsReason() {
        String missingLibrary = Pkcs11Token.configuration("civis-missing", Path.of("/nonexistent/libpkcs11.so"),
                null, 0);
        assertThatThrownBy(() -> Pkcs11Token.open(missingLibrary, "1234".toCharArray(), Duration.ofSeconds(1)))
                .isInstanceOf(KeyProviderUnavailableException.class)
                .hasMessageContaining("/nonexistent/libpkcs11.so")
                .hasMessageNotContaining("1234");
    }

    @Test
    void aKeyMadeOutsideTheTokenOrExtractableIsRefused() throws Exception {
        // Another SunPKCS11 instance on the same token, without our generation attributes.
        java.security.Provider plain = java.security.Security.getProvider("SunPKCS11").configure(
                "--name=civis-plain\nlibrary=" + SoftHsm.LIBRARY + "\nslotListIndex=0\n");
        KeyStore keyStore = KeyStore.getInstance("PKCS11", plain);
        keyStore.load(null, SoftHsm.PIN.toCharArray());
        // Generated in software and imported, as keytool -genseckey does: its value existed outside the token.
        String imported = label();
        javax.crypto.KeyGenerator software = javax.crypto.KeyGenerator.getInstance("AES");
        software.init(256);
        keyStore.setEntry(imported, new KeyStore.SecretKeyEntry(software.generateKey()), null);
        // Generated in the token with its default attributes: readable by whoever has the PIN.
        String extractable = label();
        javax.crypto.KeyGenerator inToken = javax.crypto.KeyGenerator.getInstance("AES", plain);
        inToken.init(256);
        keyStore.setEntry(extractable, new KeyStore.SecretKeyEntry(inToken.generateKey()), null);

        for (String label : new String[] {imported, extractable}) {
            assertThatThrownBy(() -> token.key(label)).as(label).isInstanceOf(KeyStoreException.class)
                    .hasMessageContaining("can be read out");
        }
    }

    @Test
    void aMissingOrReadableKeyIsRefused() throws Exception {
        assertThatThrownBy(() -> token.key("no-such-key")).isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("no key 'no-such-key'");
        String label = label();
        token.generateKey(label);
        assertThatThrownBy(() -> token.generateKey(label)).isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("already holds");
    }
}
