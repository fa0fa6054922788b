package fr.civis.vault.safe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import fr.civis.vault.citizen.Owner;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.consent.ConsentOutbox;

/**
 * Closing a safe and cancelling a closure. A closing safe is retrieval-only ({@link SafeStates}) until the closure is
 * cancelled or its keys are destroyed.
 */
@Component
class Safes {

    private final JdbcClient jdbc;
    private final SafeProperties settings;
    private final Clock clock;
    private final SafeStates states;
    private final ConsentOutbox outbox;

    Safes(JdbcClient jdbc, SafeProperties settings, Clock clock, SafeStates states, ConsentOutbox outbox) {
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
        this.states = states;
    }

    SafeStates.State state(Owner owner) {
        return states.state(owner);
    }

    /**
     * The citizen closes their safe: retrieval-only for the grace period, then destroyed. Closing twice keeps the
     * first deadline. A safe that never held anything has nothing to keep and stays as it is.
     */
    @Transactional
    SafeStates.State close(Owner owner) {
        Instant now = clock.instant();
        int closed = jdbc.sql("""
                UPDATE citizen_key SET retrieval_only_from = :from, retrieval_only_until = :until,
                                       closure_decided_by = 'citizen'
                WHERE owner = :owner AND retrieval_only_until IS NULL
                """)
                .param("from", Timestamp.from(now)).param("until", Timestamp.from(now.plus(settings.closureGrace())))
                .param("owner", owner.subject()).update();
        if (closed > 0) {
            // A closing safe releases nothing more: its releases end, now or as soon as consent-service is back.
            outbox.ending(owner, null);
        }
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
    SafeStates.State reopen(Owner owner, boolean byCity) {
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
