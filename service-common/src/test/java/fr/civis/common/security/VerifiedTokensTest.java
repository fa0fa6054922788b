package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokensTest {

    private static final String ISSUER = "http://localhost:8080/realms/civis";
    private final OAuth2TokenValidator<Jwt> validator = ResourceServerSecurity.accessTokenValidator(
            new CivisSecurityProperties(URI.create(ISSUER), "civis-vault", null, Duration.ZERO, Duration.ofMinutes(5),
                    List.of()));
    /** Stands for the signature check: knows the tokens it was given, refuses any other text. */
    private final Signer signer = new Signer();

    private final class Signer implements JwtDecoder {

        final List<Jwt> issued = new ArrayList<>();
        int verifications;

        String issue(Instant expiresAt) {
            Jwt jwt = Jwt.withTokenValue("token-" + issued.size()).header("alg", "RS256").issuer(ISSUER)
                    .audience(List.of("civis-vault")).subject("f1e2").issuedAt(expiresAt.minusSeconds(300))
                    .expiresAt(expiresAt).claim("typ", "Bearer").build();
            issued.add(jwt);
            return jwt.getTokenValue();
        }

        @Override
        public Jwt decode(String token) {
            verifications++;
            Jwt jwt = issued.stream().filter(known -> known.getTokenValue().equals(token)).findFirst()
                    .orElseThrow(() -> new BadJwtException("bad signature"));
            if (validator.validate(jwt).hasErrors()) {
                throw new JwtValidationException("invalid", validator.validate(jwt).getErrors());
            }
            return jwt;
        }
    }

    @Test
    void aTokenVerifiedOnceIsNotVerifiedAgainUntilItExpires() {
        VerifiedTokens tokens = new VerifiedTokens(signer, validator, 10);
        String token = signer.issue(Instant.now().plusSeconds(300));

        Jwt first = tokens.decode(token);
        assertThat(tokens.decode(token)).isSameAs(first);
        assertThat(tokens.decode(token)).isSameAs(first);
        assertThat(signer.verifications).isEqualTo(1);
    }

    @Test
    void aRememberedTokenIsRefusedOnceExpiredAndForgotten() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(signer, validator, 10);
        String token = signer.issue(Instant.now().plusSeconds(1));
        tokens.decode(token);

        Thread.sleep(1_100);
        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class);
        assertThat(tokens.size()).isZero();
        assertThat(signer.verifications).isEqualTo(1);
    }

    @Test
    void aTokenThatFailsVerificationIsNeverRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(signer, validator, 10);
        String forged = "token-forged";

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(BadJwtException.class);
        assertThat(signer.verifications).isEqualTo(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void whenFullTheExpiredAreDroppedAndOtherwiseNewTokensAreVerifiedWithoutBeingKept() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(signer, validator, 2);
        String shortLived = signer.issue(Instant.now().plusSeconds(1));
        String longLived = signer.issue(Instant.now().plusSeconds(300));
        tokens.decode(shortLived);
        tokens.decode(longLived);
        Thread.sleep(1_100);

        String third = signer.issue(Instant.now().plusSeconds(300));
        tokens.decode(third);
        assertThat(tokens.size()).isEqualTo(2);
        String fourth = signer.issue(Instant.now().plusSeconds(300));
        tokens.decode(fourth);
        tokens.decode(fourth);
        assertThat(tokens.size()).isEqualTo(2);
        // The long-lived and third are remembered; the fourth, with no room, is verified each time.
        int before = signer.verifications;
        tokens.decode(longLived);
        tokens.decode(third);
        tokens.decode(fourth);
        assertThat(signer.verifications).isEqualTo(before + 1);
    }
}
