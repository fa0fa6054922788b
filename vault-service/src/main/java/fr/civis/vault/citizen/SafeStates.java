package fr.civis.vault.citizen;

import java.time.Clock;
import java.time.Instant;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;

/**
 * Whether a citizen's safe is open or closing, as its key row says. A closing safe is retrieval-only: its documents
 * can be read and exported, nothing can be added, changed or deleted. Deciding and cancelling closures is the
 * {@code safe} feature's business; every feature that writes asks here first.
 */
@Component
public class SafeStates {

    /** {@code NOTICE}: the city decided a closure, still ahead; the safe works as usual until it starts. */
    public enum Status { OPEN, NOTICE, CLOSING }

    public record State(Status status, Instant retrievalOnlyFrom, Instant retrievalOnlyUntil) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    SafeStates(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public State state(Owner owner) {
        Instant now = clock.instant();
        return jdbc.sql("SELECT retrieval_only_from, retrieval_only_until FROM citizen_key WHERE owner = :owner")
                .param("owner", owner.subject())
                .query((rs, n) -> rs.getTimestamp("retrieval_only_until") == null ? null : new State(
                        rs.getTimestamp("retrieval_only_from").toInstant().isAfter(now) ? Status.NOTICE : Status.CLOSING,
                        rs.getTimestamp("retrieval_only_from").toInstant(),
                        rs.getTimestamp("retrieval_only_until").toInstant()))
                .optional()
                .orElse(new State(Status.OPEN, null, null));
    }

    /** Refuses any change to a retrieval-only safe. */
    public void requireWritable(Owner owner) {
        if (state(owner).status() == Status.CLOSING) {
            throw new ProblemException(HttpStatus.CONFLICT, "safe-retrieval-only");
        }
    }
}
