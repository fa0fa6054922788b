package fr.civis.common.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers the tokens whose signature verified, so that a portal sending the same access token with each request
 * is not parsed and verified again each time (JSON, RSA, Spring's claim conversion: 0.6 to 1.3 ms of the vault's CPU
 * per request, docs/benchmarks.md §12). On every use a remembered token is checked again against {@code validator}
 * (expiry, issuer, audience, type), so it is refused the moment it expires, as an unremembered one would be.
 *
 * <p>Only a token's exact text finds it: whoever presents it had the token anyway. Remembering does not widen what
 * a token can do: it is verified against the realm's keys as cached ({@code CIVIS_SECURITY_KEYS_CACHE_TIME}, up to
 * 15 min during a Keycloak outage), and a token lives 5 min. At most {@code capacity} tokens are kept (a few KB
 * each); when full, the expired ones are dropped, at most once a second (a scan of every kept token: not on each
 * request of a peak that keeps the memory full), and a new token that finds no room is verified without being kept.
 */
final class VerifiedTokens implements JwtDecoder {

    private static final long PURGE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JwtDecoder verifying;
    private final OAuth2TokenValidator<Jwt> validator;
    private final int capacity;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();
    /** {@link System#nanoTime} before which the expired are not looked for again. */
    private final AtomicLong nextPurge = new AtomicLong(System.nanoTime());

    /** {@code verifying} checks the signature and then {@code validator}; a hit checks {@code validator} again. */
    VerifiedTokens(JwtDecoder verifying, OAuth2TokenValidator<Jwt> validator, int capacity) {
        this.verifying = verifying;
        this.validator = validator;
        this.capacity = capacity;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = verified.get(token);
        if (known != null) {
            OAuth2TokenValidatorResult result = validator.validate(known);
            if (result.hasErrors()) {
                verified.remove(token);
                throw new JwtValidationException("The token is no longer valid", result.getErrors());
            }
            return known;
        }
        Jwt jwt = verifying.decode(token);
        if (verified.size() >= capacity && purgeDue()) {
            verified.values().removeIf(kept -> validator.validate(kept).hasErrors());
        }
        if (verified.size() < capacity) {
            verified.put(token, jwt);
        }
        return jwt;
    }

    /** True for one caller at most each second. */
    private boolean purgeDue() {
        long now = System.nanoTime();
        long due = nextPurge.get();
        return now - due >= 0 && nextPurge.compareAndSet(due, now + PURGE_INTERVAL_NANOS);
    }

    int size() {
        return verified.size();
    }
}
