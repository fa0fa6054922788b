package fr.civis.vault.safe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.Owner;

/**
 * Whether a safe is open or closing. A closing safe is retrieval-only: its documents can be read and exported,
 * nothing can be added, changed or deleted, until the closure is cancelled or its keys are destroyed.
 */
@Component
public class Safes {

    public enum Status { OPEN, CLOSING }

    public record State(Status status, Instant retrievalOnlyUntil) {
    }

    private final JdbcClient jdbc;
    private final SafeProperties settings;
    private final Clock clock;

    Safes(JdbcClient jdbc, SafeProperties settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    public State state(Owner owner) {
        return jdbc.sql("SELECT retrieval_only_until FROM citizen_key WHERE owner = :owner")
                .param("owner", owner.subject())
                .query((rs, n) -> Optional.ofNullable(rs.getTimestamp("retrieval_only_until")))
                .optional().flatMap(until -> until)
                .map(until -> new State(Status.CLOSING, until.toInstant()))
                .orElse(new State(Status.OPEN, null));
    }

    /** Refuses any change to a retrieval-only safe. */
    public void requireWritable(Owner owner) {
        if (state(owner).status() == Status.CLOSING) {
            throw new ProblemException(HttpStatus.CONFLICT, "safe-retrieval-only");
        }
    }

    /**
     * The citizen closes their safe: retrieval-only for the grace period, then destroyed. Closing twice keeps the
     * first deadline. A safe that never held anything has nothing to keep and stays as it is.
     */
    State close(Owner owner) {
        Instant until = clock.instant().plus(settings.closureGrace());
        jdbc.sql("""
                UPDATE citizen_key SET retrieval_only_until = :until, closure_decided_by = 'citizen'
                WHERE owner = :owner AND retrieval_only_until IS NULL
                """)
                .param("until", Timestamp.from(until)).param("owner", owner.subject()).update();
        return state(owner);
    }

    State reopen(Owner owner) {
        jdbc.sql("UPDATE citizen_key SET retrieval_only_until = NULL, closure_decided_by = NULL WHERE owner = :owner")
                .param("owner", owner.subject()).update();
        return state(owner);
    }

    List<Owner> closuresDue() {
        return jdbc.sql("SELECT owner FROM citizen_key WHERE retrieval_only_until <= :now")
                .param("now", Timestamp.from(clock.instant()))
                .query(String.class).list().stream().map(Owner::new).toList();
    }
}
