package fr.civis.consent.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.consent.MutableClock;
import fr.civis.consent.TestDatabase;

/** Receipts signed with keys kept (wrapped) in a real database, verified as anyone would: with the JWKS. */
class ReceiptsDataTest {

    private static final String WRAPPING = "test-wrapping-key-with-at-least-32-characters";

    private HikariDataSource runtime;
    private MutableClock clock;
    private SigningKeys keys;
    private Receipts receipts;

    @BeforeEach
    void setUp() {
        runtime = TestDatabase.create().runtime();
        clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        keys = keys(runtime, WRAPPING);
        receipts = new Receipts(keys, settings(WRAPPING));
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    private SigningKeys keys(HikariDataSource dataSource, String wrapping) {
        return new SigningKeys(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), settings(wrapping), clock);
    }

    private static ReceiptProperties settings(String wrapping) {
        return new ReceiptProperties(wrapping, "urn:civis:consent-service", Duration.ofSeconds(60), Duration.ZERO);
    }

    @Test
    void a_receipt_verifies_with_the_published_jwks_alone() throws Exception {
        String receipt = receipts.sign(Map.of("jti", "consent-1", "purposeCode", "inscription-creche"));
        JWKSet published = JWKSet.parse(keys.publicKeys().toString(true));
        assertThat(published.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        JWSObject jws = JWSObject.parse(receipt);
        ECKey key = (ECKey) published.getKeyByKeyId(jws.getHeader().getKeyID());
        assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jws.getPayload().toJSONObject()).containsEntry("iss", "urn:civis:consent-service")
                .containsEntry("jti", "consent-1");
        assertThat(receipts.verify(receipt)).isPresent();
    }

    @Test
    void a_modified_receipt_does_not_verify() throws ParseException {
        String receipt = receipts.sign(Map.of("jti", "consent-1", "expiresAt", "2027-01-01T00:00:00Z"));
        String[] parts = receipt.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("2027", "2099").getBytes());
        assertThat(receipts.verify(parts[0] + "." + forgedPayload + "." + parts[2])).isEmpty();
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[5] ^= 1;
        assertThat(receipts.verify(parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))).isEmpty();
        assertThat(receipts.verify("not a jws")).isEmpty();
    }

    @Test
    void a_receipt_signed_before_a_rotation_still_verifies() throws Exception {
        String before = receipts.sign(Map.of("jti", "consent-1"));
        String oldKid = JWSObject.parse(before).getHeader().getKeyID();

        ECKey next = keys.rotate();
        // Published at once, used only after the publication delay.
        assertThat(keys.publicKeys().getKeyByKeyId(next.getKeyID())).isNotNull();
        assertThat(JWSObject.parse(receipts.sign(Map.of("jti", "consent-2"))).getHeader().getKeyID()).isEqualTo(oldKid);

        clock.advance(Duration.ofSeconds(61));
        String after = receipts.sign(Map.of("jti", "consent-3"));
        assertThat(JWSObject.parse(after).getHeader().getKeyID()).isEqualTo(next.getKeyID());

        assertThat(receipts.verify(before)).isPresent();
        assertThat(receipts.verify(after)).isPresent();
        assertThat(keys.publicKeys().getKeys()).hasSize(2);
        // Another instance, sharing the database, verifies both and signs with the same key.
        Receipts otherInstance = new Receipts(keys(runtime, WRAPPING), settings(WRAPPING));
        assertThat(otherInstance.verify(before)).isPresent();
        assertThat(JWSObject.parse(otherInstance.sign(Map.of("jti", "x"))).getHeader().getKeyID())
                .isEqualTo(next.getKeyID());
    }

    @Test
    void checkpoints_are_signed_with_a_type_receipts_do_not_share() {
        byte[] payload = "{\"size\":1}".getBytes();
        String checkpoint = receipts.signCheckpoint(payload).jws();
        assertThat(receipts.verifyCheckpoint(checkpoint)).hasValue(payload);
        assertThat(receipts.verify(checkpoint)).as("a checkpoint is not a receipt").isEmpty();
        assertThat(receipts.verifyCheckpoint(receipts.sign(Map.of("size", 1)))).isEmpty();
    }

    @Test
    void private_keys_are_stored_wrapped() {
        receipts.sign(Map.of("jti", "consent-1"));
        byte[] stored = JdbcClient.create(runtime).sql("SELECT private_wrapped FROM signing_key").query(byte[].class)
                .single();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("\"d\"");
        SigningKeys wrongSecret = keys(runtime, "another-wrapping-key-with-32-characters-or-more");
        org.assertj.core.api.Assertions.assertThatThrownBy(wrongSecret::current)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("wrapping-key");
    }
}
