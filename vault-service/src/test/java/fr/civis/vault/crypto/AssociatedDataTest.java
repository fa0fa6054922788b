package fr.civis.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class AssociatedDataTest {

    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-0000000000ab");

    @Test
    void contentFormatIsVersionedAndLengthPrefixed() {
        byte[] ad = AssociatedData.documentContent(new DocumentRef("a:b", ID), 3);

        assertThat(HexFormat.of().formatHex(ad)).isEqualTo(
                HexFormat.of().formatHex("civis:v1:document-content:".getBytes(StandardCharsets.US_ASCII))
                        + "00000003" + HexFormat.of().formatHex("a:b".getBytes(StandardCharsets.UTF_8))
                        + "000000000000000000000000000000ab" // the UUID's 16 bytes
                        + "00000003");
    }

    @Test
    void differentTuplesNeverGiveTheSameBytes() {
        UUID other = UUID.fromString("3a000000-0000-0000-0000-0000000000ab");
        List<byte[]> all = List.of(
                AssociatedData.citizenKey("a:b", "c"),
                AssociatedData.citizenKey("a", "b:c"),
                AssociatedData.citizenKey("a:b:c", "k"),
                AssociatedData.documentKey(new DocumentRef("a", ID)),
                AssociatedData.documentKey(new DocumentRef("a:", ID)),
                AssociatedData.documentKey(new DocumentRef("a", other)),
                AssociatedData.documentContent(new DocumentRef("a", ID), 1),
                AssociatedData.documentContent(new DocumentRef("a", ID), 256),
                AssociatedData.documentContent(new DocumentRef("a:1", ID), 1),
                AssociatedData.documentField(new DocumentRef("a", ID), "title"),
                AssociatedData.documentField(new DocumentRef("a", ID), "original-filename"),
                AssociatedData.documentField(new DocumentRef("a:title", ID), "title"),
                AssociatedData.documentField(new DocumentRef("é", ID), "title"),
                AssociatedData.documentField(new DocumentRef("e\u0301", ID), "title"));
        Set<String> distinct = new HashSet<>();
        all.forEach(ad -> distinct.add(HexFormat.of().formatHex(ad)));
        assertThat(distinct).hasSize(all.size());
    }

    @Test
    void everyPurposeHasItsOwnPrefix() {
        DocumentRef ref = new DocumentRef("a", ID);
        assertThat(new String(AssociatedData.citizenKey(ref.owner(), "k"), StandardCharsets.ISO_8859_1))
                .startsWith("civis:v1:citizen-key:");
        assertThat(new String(AssociatedData.documentKey(ref), StandardCharsets.ISO_8859_1))
                .startsWith("civis:v1:document-key:");
        assertThat(new String(AssociatedData.documentContent(ref, 0), StandardCharsets.ISO_8859_1))
                .startsWith("civis:v1:document-content:");
        assertThat(new String(AssociatedData.documentField(ref, "title"), StandardCharsets.ISO_8859_1))
                .startsWith("civis:v1:document-field:");
    }
}
