package fr.civis.vault.safe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.Owner;

/**
 * Whether a safe is open or closing. A closing safe is retrieval-only: its documents can be read and exported,
 * nothing can be added, changed or deleted, until the closure is cancelled or its keys are destroyed.
 */
@Component
public class Safes {

    /** {@code NOTICE}: the city decided a closure, still ahead; the safe works as usual until it starts. */
    public enum Status { OPEN, NOTICE, CLOSING }

    public record State(Status status, Instant retrievalOnlyFrom, Instant retrievalOnlyUntil) {
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

    /**
     * The citizen closes their safe: retrieval-only for the grace period, then destroyed. Closing twice keeps the
     * first deadline. A safe that never held anything has nothing to keep and stays as it is.
     */
    State close(Owner owner) {
        Instant now = clock.instant();
        jdbc.sql("""
                UPDATE citizen_key SET retrieval_only_from = :from, retrieval_only_until = :until,
                                       closure_decided_by = 'citizen'
                WHERE owner = :owner AND retrieval_only_until IS NULL
                """)
                .param("from", Timestamp.from(now)).param("until", Timestamp.from(now.plus(settings.closureGrace())))
                .param("owner", owner.subject()).update();
        return state(owner);
    }

    /**
     * The city closes a safe: open for the notice period, then retrieval-only for a year, then destroyed. The
     * notice e-mail is queued in the same transaction. False when the citizen has no safe.
     */
    @Transactional
    boolean closeByCity(Owner owner) {
        Instant from = clock.instant().plus(settings.cityNotice());
        int updated = jdbc.sql("""
                UPDATE citizen_key SET retrieval_only_from = :from, retrieval_only_until = :until,
                                       closure_decided_by = 'city'
                WHERE owner = :owner
                """)
                .param("from", Timestamp.from(from)).param("until", Timestamp.from(from.plus(settings.cityRetrievalPeriod())))
                .param("owner", owner.subject()).update();
        if (updated == 0) {
            return false;
        }
        jdbc.sql("INSERT INTO safe_notice (owner, kind) VALUES (:owner, 'city-closure')")
                .param("owner", owner.subject()).update();
        return true;
    }

    /** Cancels a closure; the citizen cancels their own, the city either kind. */
    State reopen(Owner owner, boolean byCity) {
        jdbc.sql("""
                UPDATE citizen_key SET retrieval_only_from = NULL, retrieval_only_until = NULL, closure_decided_by = NULL
                WHERE owner = :owner AND (:byCity OR closure_decided_by = 'citizen')
                """)
                .param("owner", owner.subject()).param("byCity", byCity).update();
        return state(owner);
    }

    List<Owner> closuresDue() {
        return jdbc.sql("SELECT owner FROM citizen_key WHERE retrieval_only_until <= :now")
                .param("now", Timestamp.from(clock.instant()))
                .query(String.class).list().stream().map(Owner::new).toList();
    }
}
