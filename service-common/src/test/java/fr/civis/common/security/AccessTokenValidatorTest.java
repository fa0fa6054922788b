package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

class AccessTokenValidatorTest {

    private static final String ISSUER = "http://localhost:8080/realms/civis";
    private final OAuth2TokenValidator<Jwt> validator = ResourceServerSecurity.accessTokenValidator(
            new CivisSecurityProperties(URI.create(ISSUER), "civis-vault", null, Duration.ofSeconds(5), Duration.ofMinutes(5), List.of()));

    private static Jwt token(UnaryOperator<Jwt.Builder> change) {
        Instant now = Instant.now();
        Jwt.Builder builder = Jwt.withTokenValue("token").header("alg", "RS256")
                .issuer(ISSUER).audience(List.of("civis-vault", "account")).subject("f1e2")
                .issuedAt(now).expiresAt(now.plusSeconds(300)).claim("typ", "Bearer");
        return change.apply(builder).build();
    }

    @Test
    void acceptsAnAccessTokenOfTheRealmForThisService() {
        assertThat(validator.validate(token(b -> b)).hasErrors()).isFalse();
    }

    @Test
    void refusesAnotherIssuer() {
        assertThat(validator.validate(token(b -> b.issuer("http://localhost:8080/realms/other"))).hasErrors()).isTrue();
    }

    @Test
    void refusesAnotherAudience() {
        assertThat(validator.validate(token(b -> b.audience(List.of("civis-consent")))).hasErrors()).isTrue();
    }

    @Test
    void refusesATokenWithoutAudience() {
        assertThat(validator.validate(token(b -> b.claims(c -> c.remove("aud")))).hasErrors()).isTrue();
    }

    @Test
    void refusesAnExpiredToken() {
        Instant past = Instant.now().minusSeconds(60);
        assertThat(validator.validate(token(b -> b.issuedAt(past.minusSeconds(300)).expiresAt(past))).hasErrors())
                .isTrue();
    }

    @Test
    void refusesATokenThatNeverExpires() {
        assertThat(validator.validate(token(b -> b.claims(c -> c.remove("exp")))).hasErrors()).isTrue();
    }

    @Test
    void refusesAnIdTokenPresentedAsBearer() {
        assertThat(validator.validate(token(b -> b.claim("typ", "ID"))).hasErrors()).isTrue();
    }
}
