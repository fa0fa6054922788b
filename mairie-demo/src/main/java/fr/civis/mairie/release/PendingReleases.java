package fr.civis.mairie.release;

import java.io.Serial;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The release requests this browser session has sent the citizen to decide on, each known by its {@code state}: the
 * answer that comes back to {@code /callback} is taken only if its state is one of them, unexpired, and only once. A
 * state is 256 random bits held in the citizen's own session, so an answer started in another session (a link an
 * attacker had someone follow, with the attacker's consent id) is not taken.
 *
 * <p>Kept in the HTTP session: not thread-safe on its own, the controller synchronises on it.
 */
public final class PendingReleases implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Session attribute under which the controller keeps it. */
    public static final String SESSION_ATTRIBUTE = PendingReleases.class.getName();

    /** A few tabs at once are fine; a session does not hoard requests. */
    static final int MAX_PENDING = 5;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final List<Pending> pending = new ArrayList<>();

    /** @param lifetime how long a citizen may take in the portal before the answer is no longer taken */
    public PendingReleases(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive");
        }
        this.lifetime = lifetime;
    }

    /** A request about to be sent: its purpose and its fresh state (URL-safe, 43 characters). */
    public record Pending(String state, String purpose, Instant issuedAt) implements Serializable {
    }

    /** Draws a state for a new request; the oldest pending request is forgotten beyond {@value #MAX_PENDING}. */
    public Pending issue(String purpose, Clock clock) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Pending request = new Pending(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), purpose,
                clock.instant());
        dropExpired(clock);
        if (pending.size() >= MAX_PENDING) {
            pending.removeFirst();
        }
        pending.add(request);
        return request;
    }

    /** Forgets a request that could not be sent. */
    public void cancel(Pending request) {
        pending.remove(request);
    }

    /**
     * The pending request this state names, removed so that the same answer is never taken twice; empty when the state
     * is missing, unknown to this session, already used, or expired.
     */
    public Optional<Pending> consume(String state, Clock clock) {
        if (state == null || state.isEmpty()) {
            return Optional.empty();
        }
        dropExpired(clock);
        byte[] presented = state.getBytes(StandardCharsets.US_ASCII);
        for (Pending request : pending) {
            if (MessageDigest.isEqual(presented, request.state().getBytes(StandardCharsets.US_ASCII))) {
                pending.remove(request);
                return Optional.of(request);
            }
        }
        return Optional.empty();
    }

    int size() {
        return pending.size();
    }

    private void dropExpired(Clock clock) {
        Instant oldest = clock.instant().minus(lifetime);
        pending.removeIf(request -> request.issuedAt().isBefore(oldest));
    }
}
