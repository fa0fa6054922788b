package fr.civis.vault.crypto;

import static fr.civis.vault.crypto.Fixtures.open;
import static fr.civis.vault.crypto.Fixtures.random;
import static fr.civis.vault.crypto.Fixtures.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyringTest {

    private static KeyStoreKeyProvider masterKey;
    private static Keyring keyring;

    @BeforeAll
    static void keys() throws Exception {
        masterKey = Fixtures.memoryMasterKey("civis-master-1");
        keyring = Keyring.create(masterKey);
    }

    @Test
    void theWholeHierarchyRoundTrips() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealedCitizenKey = keyring.newCitizenKey(owner);
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);
        byte[] content = random(200_000);
        byte[] ciphertext = seal(documentKey, content, 1);
        byte[] title = documentKey.sealField("title", "Passeport");
        byte[] sealedDocumentKey = keyring.sealDocumentKey(documentKey,
                keyring.openCitizenKey(owner, sealedCitizenKey));

        // Later, in another request: everything from the persisted bytes.
        CitizenKey citizenKey = keyring.openCitizenKey(owner, sealedCitizenKey);
        DocumentKey reopened = keyring.openDocumentKey(ref, sealedDocumentKey, citizenKey);

        assertThat(open(reopened, ciphertext, 1)).isEqualTo(content);
        assertThat(reopened.openField("title", title)).isEqualTo("Passeport");
        assertThat(reopened.ref()).isEqualTo(ref);
        assertThat(citizenKey.owner()).isEqualTo(owner);
        assertThat(Keyring.masterKeyIdOf(sealedCitizenKey)).isEqualTo("civis-master-1");
    }

    @Test
    void aCitizenKeyDoesNotOpenForAnotherOwner() throws Exception {
        String owner = "alice";
        byte[] sealed = keyring.newCitizenKey(owner);

        for (String other : new String[] {"bob", "alice ", "Alice"}) {
            assertThatThrownBy(() -> keyring.openCitizenKey(other, sealed))
                    .isExactlyInstanceOf(SealBrokenException.class)
                    .hasMessageStartingWith("citizen key did not open");
        }
        assertThat(keyring.openCitizenKey(owner, sealed).owner()).isEqualTo(owner);
    }

    @Test
    void aCitizenKeyDoesNotOpenUnderAnotherMasterKey() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealed = keyring.newCitizenKey(owner);
        Keyring sameIdOtherKey = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"));
        Keyring otherId = Keyring.create(Fixtures.memoryMasterKey("civis-master-2"));

        assertThatThrownBy(() -> sameIdOtherKey.openCitizenKey(owner, sealed))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> otherId.openCitizenKey(owner, sealed))
                .isExactlyInstanceOf(SealBrokenException.class)
                .hasMessageContaining("'civis-master-1', which this keyring does not hold");
    }

    @Test
    void anyFlippedByteOfASealedKeyBreaksIt() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealedCitizenKey = keyring.newCitizenKey(owner);
        CitizenKey citizenKey = keyring.openCitizenKey(owner, sealedCitizenKey);
        DocumentRef ref = Fixtures.ref(owner);
        byte[] sealedDocumentKey = keyring.sealDocumentKey(keyring.newDocumentKey(ref), citizenKey);

        for (int i = 0; i < sealedCitizenKey.length; i++) {
            byte[] tampered = sealedCitizenKey.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> keyring.openCitizenKey(owner, tampered)).as("citizen key byte %d", i)
                    .isExactlyInstanceOf(SealBrokenException.class);
        }
        for (int i = 0; i < sealedDocumentKey.length; i++) {
            byte[] tampered = sealedDocumentKey.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> keyring.openDocumentKey(ref, tampered, citizenKey)).as("document key byte %d", i)
                    .isExactlyInstanceOf(SealBrokenException.class);
        }
        assertThatThrownBy(() -> keyring.openCitizenKey(owner, new byte[0])).isInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> keyring.openDocumentKey(ref, new byte[0], citizenKey))
                .isInstanceOf(SealBrokenException.class);
    }

    @Test
    void aDocumentKeyDoesNotOpenUnderAnotherRefOrCitizenKey() throws Exception {
        String owner = Fixtures.owner();
        CitizenKey citizenKey = keyring.openCitizenKey(owner, keyring.newCitizenKey(owner));
        CitizenKey sameOwnerNewKey = keyring.openCitizenKey(owner, keyring.newCitizenKey(owner));
        DocumentRef ref = Fixtures.ref(owner);
        byte[] sealed = keyring.sealDocumentKey(keyring.newDocumentKey(ref), citizenKey);

        String other = Fixtures.owner();
        CitizenKey otherCitizenKey = keyring.openCitizenKey(other, keyring.newCitizenKey(other));

        assertThatThrownBy(() -> keyring.openDocumentKey(new DocumentRef(owner, UUID.randomUUID()), sealed, citizenKey))
                .isExactlyInstanceOf(SealBrokenException.class)
                .hasMessageStartingWith("document key did not open");
        assertThatThrownBy(() -> keyring.openDocumentKey(ref, sealed, sameOwnerNewKey))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> keyring.openDocumentKey(new DocumentRef(other, ref.documentId()), sealed,
                otherCitizenKey)).isExactlyInstanceOf(SealBrokenException.class);
        assertThat(keyring.openDocumentKey(ref, sealed, citizenKey).ref()).isEqualTo(ref);
    }

    @Test
    void aCitizenKeyIsNotUsableForAnotherOwnersDocuments() throws Exception {
        String owner = Fixtures.owner();
        String other = Fixtures.owner();
        CitizenKey otherCitizenKey = keyring.openCitizenKey(other, keyring.newCitizenKey(other));
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);

        assertThatThrownBy(() -> keyring.sealDocumentKey(documentKey, otherCitizenKey))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keyring.openDocumentKey(ref, new byte[] {1, 2, 3}, otherCitizenKey))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void destroyingTheSealedDocumentKeyShredsContentAndFields() throws Exception {
        String owner = Fixtures.owner();
        CitizenKey citizenKey = keyring.openCitizenKey(owner, keyring.newCitizenKey(owner));
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);
        byte[] ciphertext = seal(documentKey, random(10_000), 1);
        byte[] title = documentKey.sealField("title", "Jugement de divorce");
        keyring.sealDocumentKey(documentKey, citizenKey); // then deleted with the row: nothing else can open them

        DocumentKey replacement = keyring.newDocumentKey(ref); // same owner, same id, same citizen key
        assertThatThrownBy(() -> open(replacement, ciphertext, 1)).isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> replacement.openField("title", title)).isExactlyInstanceOf(SealBrokenException.class);
    }

    @Test
    void masterKeyRotationRewrapsCitizenKeysAndKeepsDocuments() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealedUnderOld = keyring.newCitizenKey(owner);
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);
        byte[] sealedDocumentKey = keyring.sealDocumentKey(documentKey,
                keyring.openCitizenKey(owner, sealedUnderOld));
        byte[] ciphertext = seal(documentKey, random(1000), 1);

        KeyStoreKeyProvider newMasterKey = Fixtures.memoryMasterKey("civis-master-2");
        Keyring rotating = Keyring.create(newMasterKey).alsoOpeningWith(masterKey);
        byte[] sealedUnderNew = rotating.rewrapCitizenKey(owner, sealedUnderOld);

        assertThat(Keyring.masterKeyIdOf(sealedUnderOld)).isEqualTo("civis-master-1");
        assertThat(Keyring.masterKeyIdOf(sealedUnderNew)).isEqualTo("civis-master-2");
        assertThat(Keyring.masterKeyIdOf(rotating.newCitizenKey(owner))).isEqualTo("civis-master-2");
        Keyring afterRotation = Keyring.create(newMasterKey);
        CitizenKey citizenKey = afterRotation.openCitizenKey(owner, sealedUnderNew);
        assertThat(open(afterRotation.openDocumentKey(ref, sealedDocumentKey, citizenKey), ciphertext, 1)).hasSize(1000);
        assertThatThrownBy(() -> afterRotation.openCitizenKey(owner, sealedUnderOld))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> rotating.alsoOpeningWith(masterKey)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keyring.masterKeyIdOf(new byte[] {9, 9, 9}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProviderFailureIsNotABrokenSeal() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealed = keyring.newCitizenKey(owner);
        GeneralSecurityException offline = new GeneralSecurityException("HSM unreachable");
        KeyProvider unreachable = new KeyProvider() {
            @Override
            public String keyId() {
                return "civis-master-1";
            }

            @Override
            public byte[] wrap(byte[] plaintextKey, byte[] associatedData) throws GeneralSecurityException {
                throw offline;
            }

            @Override
            public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
                throw offline;
            }
        };
        Keyring down = Keyring.create(unreachable);

        assertThatThrownBy(() -> down.openCitizenKey(owner, sealed)).isSameAs(offline);
        assertThatThrownBy(() -> down.newCitizenKey(owner)).isSameAs(offline);
    }

    @Test
    void sealedFormsDoNotContainKeyBytes() throws Exception {
        String owner = Fixtures.owner();
        byte[] sealedCitizenKey = keyring.newCitizenKey(owner);
        CitizenKey citizenKey = keyring.openCitizenKey(owner, sealedCitizenKey);
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);
        byte[] sealedDocumentKey = keyring.sealDocumentKey(documentKey, citizenKey);
        byte[] ciphertext = seal(documentKey, random(70_000), 1);
        byte[] citizenKeyBytes = Fixtures.rawKeyBytes(citizenKey);
        byte[] documentKeyBytes = Fixtures.rawKeyBytes(documentKey);

        assertThat(citizenKeyBytes).hasSize(32);
        assertThat(documentKeyBytes).hasSize(32);
        for (byte[] sealed : new byte[][] {sealedCitizenKey, sealedDocumentKey, ciphertext}) {
            assertThat(Fixtures.contains(sealed, citizenKeyBytes)).isFalse();
            assertThat(Fixtures.contains(sealed, documentKeyBytes)).isFalse();
            assertThat(Fixtures.contains(sealed, java.util.Arrays.copyOf(citizenKeyBytes, 8))).isFalse();
            assertThat(Fixtures.contains(sealed, java.util.Arrays.copyOf(documentKeyBytes, 8))).isFalse();
        }
    }

    @Test
    void handlesSayNothing() throws Exception {
        String owner = "3f6c1a52-9d1e-4c1b-9a5e-7d2b8c0e4f11";
        CitizenKey citizenKey = keyring.openCitizenKey(owner, keyring.newCitizenKey(owner));
        DocumentRef ref = Fixtures.ref(owner);
        DocumentKey documentKey = keyring.newDocumentKey(ref);

        for (Object handle : new Object[] {citizenKey, documentKey}) {
            String text = handle.toString();
            assertThat(text).doesNotContain(owner).doesNotContain(ref.documentId().toString())
                    .doesNotContainIgnoringCase("key_id").doesNotContainIgnoringCase("primary");
            for (byte[] keyBytes : new byte[][] {Fixtures.rawKeyBytes(citizenKey), Fixtures.rawKeyBytes(documentKey)}) {
                assertThat(text).doesNotContainIgnoringCase(HexFormat.of().formatHex(keyBytes, 0, 4))
                        .doesNotContain(Base64.getEncoder().encodeToString(keyBytes).substring(0, 6));
            }
        }
        assertThat(citizenKey).hasToString("CitizenKey[sealed]");
        assertThat(documentKey).hasToString("DocumentKey[sealed]");
        assertThat(keyring).hasToString("Keyring[masterKey=civis-master-1, segmentSize=65536]");
        assertThat(masterKey).hasToString("KeyStoreKeyProvider[keyId=civis-master-1]");
    }

    @Test
    void ownersAndRefsAreValidated() throws Exception {
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> new DocumentRef(" ", id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DocumentRef("", id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DocumentRef("a\uD800b", id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DocumentRef("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DocumentRef(null, id)).isInstanceOf(NullPointerException.class);
        Keyring keyring = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"));
        assertThatThrownBy(() -> keyring.newCitizenKey(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keyring.newCitizenKey("a\uD800b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DocumentRef("ok:with:colons 🙂", id).owner()).isEqualTo("ok:with:colons 🙂");
    }
}
