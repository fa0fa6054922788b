package fr.civis.keycloak.franceconnect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import fr.civis.keycloak.franceconnect.FederationRefusal.Reason;

/**
 * Checks the ID token and the userinfo JWT a FranceConnect-style provider returns. Kept free of Keycloak types so
 * that every refusal rule is unit-tested with tokens made by Nimbus. Deny by default: anything not explicitly
 * allowed (algorithm, key, level, missing claim) is refused.
 */
final class FederationTokenValidator {

    /** Key management we decrypt; content encryption is A256GCM only. */
    static final Set<JWEAlgorithm> KEY_MANAGEMENT = Set.of(JWEAlgorithm.RSA_OAEP_256, JWEAlgorithm.RSA_OAEP, JWEAlgorithm.ECDH_ES);

    /** What this login must satisfy. {@code decryptionKeys} are the realm's private encryption keys. */
    record Expectations(String issuer, String clientId, String nonce, Set<JWSAlgorithm> signatureAlgorithms,
                        boolean userinfoEncryptionRequired, AcrLevels levels, String requestedLevel, Duration clockSkew,
                        JWKSet providerKeys, List<JWK> decryptionKeys, Instant now) {
    }

    /** The checked ID token: its subject and the level the provider vouches for. */
    record IdToken(String subject, String acr, JWTClaimsSet claims) {
    }

    IdToken validateIdToken(String token, Expectations expected) throws FederationRefusal {
        SignedJWT jwt = open(token, expected, false);
        JWTClaimsSet claims = claims(jwt);
        checkIssuerAndAudience(claims, expected, true);
        Date exp = claims.getExpirationTime();
        if (exp == null || !expected.now().isBefore(exp.toInstant().plus(expected.clockSkew()))) {
            throw new FederationRefusal(Reason.EXPIRED, "ID token expired or without exp");
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(expected.now().plus(expected.clockSkew()))) {
            throw new FederationRefusal(Reason.ISSUED_AT, "ID token without iat or issued in the future");
        }
        String nonce = stringClaim(claims, "nonce");
        if (nonce == null || expected.nonce() == null || !constantTimeEquals(nonce, expected.nonce())) {
            throw new FederationRefusal(Reason.NONCE, "ID token nonce does not match this login");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new FederationRefusal(Reason.SUBJECT, "ID token without sub");
        }
        String acr = stringClaim(claims, "acr");
        if (!expected.levels().satisfies(acr, expected.requestedLevel())) {
            throw new FederationRefusal(Reason.LEVEL_TOO_LOW, "acr missing, unknown or below the requested level");
        }
        return new IdToken(subject, acr, claims);
    }

    JWTClaimsSet validateUserinfo(String token, String subject, Expectations expected) throws FederationRefusal {
        SignedJWT jwt = open(token, expected, expected.userinfoEncryptionRequired());
        JWTClaimsSet claims = claims(jwt);
        checkIssuerAndAudience(claims, expected, false);
        if (claims.getSubject() == null || !constantTimeEquals(claims.getSubject(), subject)) {
            throw new FederationRefusal(Reason.SUBJECT, "userinfo sub differs from the ID token's");
        }
        return claims;
    }

    /** Decrypts when it is a JWE, then verifies the signature of the (inner) JWS. */
    private SignedJWT open(String token, Expectations expected, boolean encryptionRequired) throws FederationRefusal {
        if (token == null || token.isBlank()) {
            throw new FederationRefusal(Reason.MALFORMED, "no token");
        }
        int dots = token.length() - token.replace(".", "").length();
        SignedJWT jws;
        if (dots == 4) {
            jws = decrypt(token, expected);
        } else if (dots == 2) {
            if (encryptionRequired) {
                throw new FederationRefusal(Reason.NOT_ENCRYPTED, "token not encrypted although encryption is required");
            }
            try {
                jws = SignedJWT.parse(token);
            } catch (ParseException e) {
                throw new FederationRefusal(Reason.MALFORMED, "not a signed JWT");
            }
        } else {
            throw new FederationRefusal(Reason.MALFORMED, "not a JWS nor a JWE");
        }
        verifySignature(jws, expected);
        return jws;
    }

    private SignedJWT decrypt(String token, Expectations expected) throws FederationRefusal {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(token);
        } catch (ParseException e) {
            throw new FederationRefusal(Reason.MALFORMED, "malformed JWE");
        }
        JWEAlgorithm alg = jwe.getHeader().getAlgorithm();
        if (!KEY_MANAGEMENT.contains(alg) || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())) {
            throw new FederationRefusal(Reason.ALGORITHM_NOT_ALLOWED, "JWE algorithm not allowed");
        }
        String kid = jwe.getHeader().getKeyID();
        for (JWK key : expected.decryptionKeys()) {
            if (kid != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            JWEDecrypter decrypter = decrypterFor(key, alg);
            if (decrypter == null) {
                continue;
            }
            try {
                jwe.decrypt(decrypter);
            } catch (JOSEException e) {
                continue;
            }
            SignedJWT inner = jwe.getPayload().toSignedJWT();
            if (inner == null) {
                throw new FederationRefusal(Reason.SIGNATURE, "encrypted token without a signed JWT inside");
            }
            return inner;
        }
        throw new FederationRefusal(Reason.DECRYPTION, "no realm key decrypts this token");
    }

    private static JWEDecrypter decrypterFor(JWK key, JWEAlgorithm alg) {
        try {
            if (key instanceof RSAKey rsa && rsa.isPrivate() && !JWEAlgorithm.ECDH_ES.equals(alg)) {
                return new RSADecrypter(rsa);
            }
            if (key instanceof ECKey ec && ec.isPrivate() && JWEAlgorithm.ECDH_ES.equals(alg)) {
                return new ECDHDecrypter(ec);
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    private void verifySignature(SignedJWT jws, Expectations expected) throws FederationRefusal {
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        if (alg == null || !expected.signatureAlgorithms().contains(alg)) {
            throw new FederationRefusal(Reason.ALGORITHM_NOT_ALLOWED, "signature algorithm not allowed");
        }
        String kid = jws.getHeader().getKeyID();
        for (JWK key : expected.providerKeys().getKeys()) {
            if ((kid != null && !kid.equals(key.getKeyID())) || KeyUse.ENCRYPTION.equals(key.getKeyUse())
                    || (key.getAlgorithm() != null && !alg.equals(key.getAlgorithm()))) {
                continue;
            }
            try {
                JWSVerifier verifier = verifierFor(key, alg);
                if (verifier != null && jws.verify(verifier)) {
                    return;
                }
            } catch (JOSEException e) {
                // A key of the wrong shape for this algorithm: try the next one.
            }
        }
        throw new FederationRefusal(Reason.SIGNATURE, "signature not made by a key of the provider");
    }

    private static JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
            return new ECDSAVerifier(ec.toPublicJWK());
        }
        if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
            return new RSASSAVerifier(rsa.toPublicJWK());
        }
        return null;
    }

    private static void checkIssuerAndAudience(JWTClaimsSet claims, Expectations expected, boolean required) throws FederationRefusal {
        String iss = claims.getIssuer();
        if ((required || iss != null) && (iss == null || !iss.equals(expected.issuer()))) {
            throw new FederationRefusal(Reason.ISSUER, "token issuer is not the pinned issuer");
        }
        List<String> aud = claims.getAudience();
        if ((required || !aud.isEmpty()) && !aud.contains(expected.clientId())) {
            throw new FederationRefusal(Reason.AUDIENCE, "token not issued for this client");
        }
        if (aud.size() > 1) {
            String azp = stringClaim(claims, "azp");
            if (!expected.clientId().equals(azp)) {
                throw new FederationRefusal(Reason.AUDIENCE, "several audiences and azp is not this client");
            }
        }
    }

    private static JWTClaimsSet claims(SignedJWT jwt) throws FederationRefusal {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new FederationRefusal(Reason.MALFORMED, "claims are not a JSON object");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws FederationRefusal {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw new FederationRefusal(Reason.MALFORMED, "claim of the wrong type");
        }
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
