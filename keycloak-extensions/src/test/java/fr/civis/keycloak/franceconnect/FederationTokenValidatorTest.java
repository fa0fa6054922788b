package fr.civis.keycloak.franceconnect;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import fr.civis.keycloak.franceconnect.FederationRefusal.Reason;
import fr.civis.keycloak.franceconnect.FederationTokenValidator.Expectations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FederationTokenValidatorTest {

    private static final String ISSUER = "https://fc.example/api/v2";
    private static final String CLIENT = "civis";
    private static final String NONCE = "n-0123456789abcdef0123456789abcdef0123456789";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static final ECKey SIGNING_EC = generateEc("sig-ec", KeyUse.SIGNATURE);
    private static final RSAKey SIGNING_RSA = generateRsa("sig-rsa", KeyUse.SIGNATURE);
    private static final ECKey OTHER_EC = generateEc("sig-ec", KeyUse.SIGNATURE);
    private static final RSAKey REALM_RSA_ENC = generateRsa("enc-rsa", KeyUse.ENCRYPTION);
    private static final ECKey REALM_EC_ENC = generateEc("enc-ec", KeyUse.ENCRYPTION);

    private final FederationTokenValidator validator = new FederationTokenValidator();

    private static Expectations expected(String requestedLevel, boolean encryptionRequired) {
        return new Expectations(ISSUER, CLIENT, NONCE, Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), encryptionRequired,
                AcrLevels.parse("eidas1:1 eidas2:2 eidas3:3"), requestedLevel, Duration.ofSeconds(10),
                new JWKSet(List.of(SIGNING_EC.toPublicJWK(), SIGNING_RSA.toPublicJWK())),
                List.of(REALM_RSA_ENC, REALM_EC_ENC), NOW);
    }

    private static Expectations expected() {
        return expected("eidas1", true);
    }

    private static JWTClaimsSet.Builder idClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("sub-1")
                .issueTime(Date.from(NOW.minusSeconds(5))).expirationTime(Date.from(NOW.plusSeconds(60)))
                .claim("nonce", NONCE).claim("acr", "eidas2").claim("amr", List.of("pwd"));
    }

    private static String idToken(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = idClaims();
        change.accept(claims);
        return signEs256(SIGNING_EC, claims.build());
    }

    private static JWTClaimsSet userinfoClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("sub-1")
                .claim("given_name", "Angela Claire Louise").claim("family_name", "DUBOIS")
                .claim("birthdate", "1962-08-24").claim("gender", "female").claim("birthplace", "75107")
                .claim("birthcountry", "99100").claim("email", "angela@example.fr").build();
    }

    @Test
    void acceptsAnEs256IdTokenWithTheRequestedLevelOrHigher() throws Exception {
        var token = validator.validateIdToken(idToken(c -> { }), expected());
        assertThat(token.subject()).isEqualTo("sub-1");
        assertThat(token.acr()).isEqualTo("eidas2");
        assertThat(validator.validateIdToken(idToken(c -> { }), expected("eidas2", true)).acr()).isEqualTo("eidas2");
    }

    @Test
    void acceptsAnRs256IdToken() throws Exception {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("sig-rsa").build(), idClaims().build(), new RSASSASigner(SIGNING_RSA));
        assertThat(validator.validateIdToken(token, expected()).subject()).isEqualTo("sub-1");
    }

    @Test
    void refusesASignatureByAnotherKey() {
        String token = signEs256(OTHER_EC, idClaims().build());
        assertRefused(() -> validator.validateIdToken(token, expected()), Reason.SIGNATURE);
    }

    @Test
    void refusesATamperedPayload() {
        String[] parts = idToken(c -> { }).split("\\.");
        String forged = parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode(idClaims().subject("sub-2").build().toString()) + "." + parts[2];
        assertRefused(() -> validator.validateIdToken(forged, expected()), Reason.SIGNATURE);
    }

    @Test
    void refusesAlgorithmsOutsideTheAllowList() throws Exception {
        String hs256 = sign(new JWSHeader(JWSAlgorithm.HS256), idClaims().build(), new MACSigner(new byte[32]));
        assertRefused(() -> validator.validateIdToken(hs256, expected()), Reason.ALGORITHM_NOT_ALLOWED);
        String rs384 = sign(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("sig-rsa").build(), idClaims().build(), new RSASSASigner(SIGNING_RSA));
        assertRefused(() -> validator.validateIdToken(rs384, expected()), Reason.ALGORITHM_NOT_ALLOWED);
        String none = new PlainJWT(idClaims().build()).serialize();
        assertRefused(() -> validator.validateIdToken(none, expected()), Reason.MALFORMED);
    }

    @Test
    void refusesAnotherNonce() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.claim("nonce", NONCE + "x")), expected()), Reason.NONCE);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.claim("nonce", null)), expected()), Reason.NONCE);
        Expectations noNonceInSession = new Expectations(ISSUER, CLIENT, null, expected().signatureAlgorithms(), true,
                expected().levels(), "eidas1", Duration.ZERO, expected().providerKeys(), List.of(), NOW);
        assertRefused(() -> validator.validateIdToken(idToken(c -> { }), noNonceInSession), Reason.NONCE);
    }

    @Test
    void refusesAnotherIssuer() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.issuer(ISSUER + "/")), expected()), Reason.ISSUER);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.issuer(null)), expected()), Reason.ISSUER);
    }

    @Test
    void refusesAnotherAudience() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.audience("other")), expected()), Reason.AUDIENCE);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.audience(List.of(CLIENT, "other"))), expected()), Reason.AUDIENCE);
    }

    @Test
    void acceptsSeveralAudiencesWhenAzpIsThisClient() throws Exception {
        assertThat(validator.validateIdToken(idToken(c -> c.audience(List.of(CLIENT, "other")).claim("azp", CLIENT)), expected()).subject())
                .isEqualTo("sub-1");
    }

    @Test
    void refusesExpiredOrFutureTokens() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.expirationTime(Date.from(NOW.minusSeconds(11)))), expected()), Reason.EXPIRED);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.expirationTime(null)), expected()), Reason.EXPIRED);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.issueTime(Date.from(NOW.plusSeconds(60)))), expected()), Reason.ISSUED_AT);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.issueTime(null)), expected()), Reason.ISSUED_AT);
    }

    @Test
    void refusesALevelBelowTheRequestedOneOrUnknown() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.claim("acr", "eidas1")), expected("eidas2", true)), Reason.LEVEL_TOO_LOW);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.claim("acr", "eidas9")), expected()), Reason.LEVEL_TOO_LOW);
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.claim("acr", null)), expected()), Reason.LEVEL_TOO_LOW);
    }

    @Test
    void refusesAnIdTokenWithoutSubject() {
        assertRefused(() -> validator.validateIdToken(idToken(c -> c.subject(null)), expected()), Reason.SUBJECT);
    }

    @Test
    void decryptsUserinfoEncryptedWithRsaOaepOrEcdhEs() throws Exception {
        String signed = signEs256(SIGNING_EC, userinfoClaims());
        for (String encrypted : List.of(encryptRsa(JWEAlgorithm.RSA_OAEP_256, signed), encryptRsa(JWEAlgorithm.RSA_OAEP, signed), encryptEcdh(signed))) {
            JWTClaimsSet claims = validator.validateUserinfo(encrypted, "sub-1", expected());
            assertThat(claims.getStringClaim("family_name")).isEqualTo("DUBOIS");
        }
    }

    @Test
    void refusesUnencryptedUserinfoWhenEncryptionIsRequired() throws Exception {
        String signed = signEs256(SIGNING_EC, userinfoClaims());
        assertRefused(() -> validator.validateUserinfo(signed, "sub-1", expected()), Reason.NOT_ENCRYPTED);
        assertThat(validator.validateUserinfo(signed, "sub-1", expected("eidas1", false)).getSubject()).isEqualTo("sub-1");
    }

    @Test
    void refusesEncryptedButUnsignedUserinfo() throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).keyID("enc-rsa").build(),
                new Payload(userinfoClaims().toJSONObject()));
        jwe.encrypt(new RSAEncrypter(REALM_RSA_ENC.toRSAPublicKey()));
        assertRefused(() -> validator.validateUserinfo(jwe.serialize(), "sub-1", expected()), Reason.SIGNATURE);
    }

    @Test
    void refusesOtherContentEncryptionAndForeignKeys() throws Exception {
        String signed = signEs256(SIGNING_EC, userinfoClaims());
        JWEObject a128 = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM).keyID("enc-rsa")
                .contentType("JWT").build(), new Payload(signed));
        a128.encrypt(new RSAEncrypter(REALM_RSA_ENC.toRSAPublicKey()));
        assertRefused(() -> validator.validateUserinfo(a128.serialize(), "sub-1", expected()), Reason.ALGORITHM_NOT_ALLOWED);

        RSAKey foreign = generateRsa("enc-rsa", KeyUse.ENCRYPTION);
        JWEObject wrongKey = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).keyID("enc-rsa")
                .contentType("JWT").build(), new Payload(signed));
        wrongKey.encrypt(new RSAEncrypter(foreign.toRSAPublicKey()));
        assertRefused(() -> validator.validateUserinfo(wrongKey.serialize(), "sub-1", expected()), Reason.DECRYPTION);
    }

    @Test
    void refusesUserinfoOfAnotherSubjectOrSignedByAnotherKey() throws Exception {
        String encrypted = encryptRsa(JWEAlgorithm.RSA_OAEP_256, signEs256(SIGNING_EC, userinfoClaims()));
        assertRefused(() -> validator.validateUserinfo(encrypted, "sub-2", expected()), Reason.SUBJECT);
        String forged = encryptRsa(JWEAlgorithm.RSA_OAEP_256, signEs256(OTHER_EC, userinfoClaims()));
        assertRefused(() -> validator.validateUserinfo(forged, "sub-1", expected()), Reason.SIGNATURE);
    }

    @Test
    void pivotIdentityOfAPersonBornAbroadHasNoBirthplace() throws Exception {
        JWTClaimsSet abroad = new JWTClaimsSet.Builder(userinfoClaims()).claim("birthplace", "").claim("birthcountry", "99134").build();
        var attributes = PivotIdentity.attributes(abroad);
        assertThat(attributes).containsEntry(PivotIdentity.BIRTHPLACE, "").containsEntry(PivotIdentity.BIRTHCOUNTRY, "99134")
                .containsEntry(PivotIdentity.GIVEN_NAMES, "Angela Claire Louise");
    }

    @Test
    void levelsAreOrderedAndMapToRealmLevels() {
        AcrLevels proconnect = AcrLevels.parse("eidas1:1, eidas1-mfa:2, eidas2:2, eidas3:3");
        assertThat(proconnect.satisfies("eidas1-mfa", "eidas1")).isTrue();
        assertThat(proconnect.satisfies("eidas1", "eidas1-mfa")).isFalse();
        assertThat(proconnect.loaOf("eidas1-mfa")).isEqualTo(2);
        assertThat(proconnect.weakestReaching(2)).contains("eidas1-mfa");
        assertThat(proconnect.weakestReaching(4)).isEmpty();
        assertThatThrownBy(() -> AcrLevels.parse("eidas2:2 eidas1:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AcrLevels.parse("eidas1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FederationRefusal.class, refusal -> {
            assertThat(refusal.reason()).isEqualTo(reason);
            assertThat(refusal.getMessage()).doesNotContain("sub-1").doesNotContain(NONCE).doesNotContain("DUBOIS");
        });
    }

    private static String signEs256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims, new ECDSASigner(key));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String encryptRsa(JWEAlgorithm alg, String signed) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).keyID("enc-rsa").contentType("JWT").build(), new Payload(signed));
        jwe.encrypt(new RSAEncrypter(REALM_RSA_ENC.toRSAPublicKey()));
        return jwe.serialize();
    }

    private static String encryptEcdh(String signed) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM).keyID("enc-ec").contentType("JWT").build(), new Payload(signed));
        jwe.encrypt(new ECDHEncrypter(REALM_EC_ENC.toECPublicKey()));
        return jwe.serialize();
    }

    private static ECKey generateEc(String kid, KeyUse use) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(use).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateRsa(String kid, KeyUse use) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(use).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
