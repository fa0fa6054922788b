package fr.civis.mairie.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class ReprDigestTest {

    /** RFC 9530, appendix: the SHA-256 of {@code {"hello": "world"}} with its trailing newline. */
    private static final String HELLO_WORLD = "{\"hello\": \"world\"}\n";
    private static final String HELLO_WORLD_SHA256 = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:";

    @Test
    void readsTheSha256MemberOfTheField() {
        assertThat(ReprDigest.parse(HELLO_WORLD_SHA256)).get()
                .extracting(ReprDigest::fieldValue).isEqualTo(HELLO_WORLD_SHA256);
    }

    @Test
    void findsSha256AmongOtherAlgorithmsAndParameters() {
        String field = "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:, "
                + HELLO_WORLD_SHA256 + ";x=1";
        assertThat(ReprDigest.parse(field)).get().extracting(ReprDigest::fieldValue).isEqualTo(HELLO_WORLD_SHA256);
    }

    @Test
    void aDigestWeCannotCheckCountsAsNone() {
        assertThat(ReprDigest.parse(null)).isEmpty();
        assertThat(ReprDigest.parse("")).isEmpty();
        assertThat(ReprDigest.parse("sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4=:")).isEmpty();
        // Legacy hex, missing colons, not base64, wrong length, the same key twice.
        assertThat(ReprDigest.parse("sha-256=44aff4ab2d7c3250525675a08f0cfa9591168cffe51791c5f5bbc417c15a6c38")).isEmpty();
        assertThat(ReprDigest.parse("sha-256=RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=")).isEmpty();
        assertThat(ReprDigest.parse("sha-256=:not base64!:")).isEmpty();
        assertThat(ReprDigest.parse("sha-256=:AAAA:")).isEmpty();
        assertThat(ReprDigest.parse(HELLO_WORLD_SHA256 + ", " + HELLO_WORLD_SHA256)).isEmpty();
    }

    @Test
    void contentMatchingTheAnnouncedDigestIsVerified() throws IOException {
        FetchedContent content = FetchedContent.read(stream(HELLO_WORLD), HELLO_WORLD_SHA256, 1024);

        assertThat(content.size()).isEqualTo(HELLO_WORLD.length());
        assertThat(content.verified()).isTrue();
        assertThat(content.matchesListed(HELLO_WORLD_SHA256)).isTrue();
        assertThat(content.computed().hex()).isEqualTo("44aff4ab2d7c3250525675a08f0cfa9591168cffe51791c5f5bbc417c15a6c38");
    }

    @Test
    void oneChangedByteIsNotVerified() throws IOException {
        FetchedContent content = FetchedContent.read(stream("{\"hello\": \"World\"}\n"), HELLO_WORLD_SHA256, 1024);

        assertThat(content.verified()).isFalse();
        assertThat(content.matchesListed(HELLO_WORLD_SHA256)).isFalse();
    }

    @Test
    void contentWithoutAnnouncedDigestIsNotVerified() throws IOException {
        assertThat(FetchedContent.read(stream(HELLO_WORLD), null, 1024).verified()).isFalse();
        assertThat(FetchedContent.read(stream(HELLO_WORLD), "md5=:AAAAAAAAAAAAAAAAAAAAAA==:", 1024).verified()).isFalse();
    }

    @Test
    void largeContentIsHashedAsAStreamAndCutOffBeyondTheLimit() throws Exception {
        byte[] large = new byte[300_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        String announced = "sha-256=:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(large)) + ":";

        assertThat(FetchedContent.read(new ByteArrayInputStream(large), announced, large.length).verified()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> FetchedContent.read(new ByteArrayInputStream(large), announced, large.length - 1))
                .isInstanceOf(IOException.class);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
