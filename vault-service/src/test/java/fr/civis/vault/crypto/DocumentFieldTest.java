package fr.civis.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentFieldTest {

    private static Keyring keyring;
    private static DocumentRef ref;
    private static DocumentKey key;

    @BeforeAll
    static void keys() throws Exception {
        keyring = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"));
        ref = Fixtures.ref(Fixtures.owner());
        key = keyring.newDocumentKey(ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Attestation de sécurité sociale — Élodie Müller-Łukasiewicz",
            "relevé_d'impôts_2025 (copie).pdf", "📄🔐 passeport 👨‍👩‍👧", "名前.pdf", "line\nbreak\ttab\u0000nul"})
    void fieldsRoundTrip(String value) throws SealBrokenException {
        byte[] sealed = key.sealField("title", value);

        assertThat(key.openField("title", sealed)).isEqualTo(value);
        if (value.getBytes(StandardCharsets.UTF_8).length >= 8) { // shorter ones may turn up by chance
            assertThat(Fixtures.contains(sealed, value.getBytes(StandardCharsets.UTF_8))).isFalse();
        }
    }

    @Test
    void aLongFieldSpanningSegmentsRoundTrips() throws SealBrokenException {
        String value = "é".repeat(100_000);
        assertThat(key.openField("original-filename", key.sealField("original-filename", value))).isEqualTo(value);
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        assertThat(key.sealField("title", "Bail")).isNotEqualTo(key.sealField("title", "Bail"));
    }

    @Test
    void aFieldDoesNotOpenUnderAnotherNameDocumentOrOwner() throws Exception {
        byte[] sealed = key.sealField("title", "Carte vitale");

        DocumentKey otherDocument = Fixtures.sameKeyOtherRef(key, new DocumentRef(ref.owner(), UUID.randomUUID()));
        DocumentKey otherOwner = Fixtures.sameKeyOtherRef(key, new DocumentRef(Fixtures.owner(), ref.documentId()));

        assertThatThrownBy(() -> key.openField("original-filename", sealed))
                .isExactlyInstanceOf(SealBrokenException.class)
                .hasMessageStartingWith("document field 'original-filename' did not open");
        assertThatThrownBy(() -> otherDocument.openField("title", sealed))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> otherOwner.openField("title", sealed))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> keyring.newDocumentKey(ref).openField("title", sealed))
                .isExactlyInstanceOf(SealBrokenException.class);
    }

    @Test
    void contentDoesNotOpenAsAField() throws Exception {
        byte[] content = Fixtures.seal(key, "Carte vitale".getBytes(StandardCharsets.UTF_8), 0);
        assertThatThrownBy(() -> key.openField("title", content)).isExactlyInstanceOf(SealBrokenException.class);
    }

    @Test
    void anyFlippedByteBreaksTheSeal() {
        byte[] sealed = key.sealField("title", "Livret de famille");
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> key.openField("title", tampered)).isExactlyInstanceOf(SealBrokenException.class);
        }
        assertThatThrownBy(() -> key.openField("title", new byte[0])).isExactlyInstanceOf(SealBrokenException.class);
    }

    @Test
    void refusesBadFieldNamesAndMalformedText() {
        for (String name : new String[] {"", "Title", "ti tle", "1title", "title:", "x".repeat(65)}) {
            assertThatThrownBy(() -> key.sealField(name, "v")).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> key.sealField("title", "half \uD83D surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key.sealField("title", null)).isInstanceOf(NullPointerException.class);
    }
}
