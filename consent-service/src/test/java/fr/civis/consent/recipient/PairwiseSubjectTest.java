package fr.civis.consent.recipient;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class PairwiseSubjectTest {

    private static final String SUB = "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";

    @Test
    void follows_keycloaks_sha256_mapper() throws Exception {
        // SHA256PairwiseSubMapper: UUID.nameUUIDFromBytes(SHA-256(sector ‖ sub ‖ salt)), UTF-8 throughout.
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update("localhost".getBytes(StandardCharsets.UTF_8));
        sha256.update(SUB.getBytes(StandardCharsets.UTF_8));
        String expected = UUID.nameUUIDFromBytes(sha256.digest("salt-1".getBytes(StandardCharsets.UTF_8))).toString();
        assertThat(new PairwiseSubject("localhost", "salt-1").of(SUB)).isEqualTo(expected).isNotEqualTo(SUB);
    }

    @Test
    void differs_per_sector_and_per_salt() {
        String a = new PairwiseSubject("eau.example", "salt").of(SUB);
        assertThat(new PairwiseSubject("mairie.example", "salt").of(SUB)).isNotEqualTo(a);
        assertThat(new PairwiseSubject("eau.example", "other").of(SUB)).isNotEqualTo(a);
        assertThat(new PairwiseSubject("eau.example", "salt").of(SUB)).isEqualTo(a);
    }

    @Test
    void the_sector_is_the_sector_uri_host_else_the_one_redirect_host() {
        assertThat(PairwiseSubject.sectorOf("https://sector.example/ids.json", null, List.of("http://localhost:8090/cb")))
                .isEqualTo("sector.example");
        assertThat(PairwiseSubject.sectorOf("", null, List.of("http://localhost:8090/callback"))).isEqualTo("localhost");
        assertThat(PairwiseSubject.sectorOf(null, "https://app.example", List.of("/callback", "https://app.example/b")))
                .isEqualTo("app.example");
        assertThat(PairwiseSubject.sectorOf(null, null, List.of("https://a.example/", "https://b.example/"))).isNull();
        assertThat(PairwiseSubject.sectorOf(null, null, List.of())).isNull();
    }
}
