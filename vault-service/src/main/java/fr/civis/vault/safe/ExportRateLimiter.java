package fr.civis.vault.safe;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Export is free and unlimited for a person; only a flood is refused: at most {@code civis.export.max-per-hour}
 * exports per citizen in any hour, counted in PostgreSQL so that every instance of a scaled-out vault counts the same
 * exports, by the database's clock (one clock for all instances).
 */
@Component
class ExportRateLimiter {

    /** Namespace of the per-citizen advisory locks ("ex" in ASCII); the citizen's hash is the second key. */
    private static final int LOCK_NAMESPACE = 0x6578;

    private final int maxPerHour;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    ExportRateLimiter(@Value("${civis.export.max-per-hour:10}") int maxPerHour, JdbcClient jdbc,
            TransactionTemplate transaction) {
        this.maxPerHour = maxPerHour;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** Records an export; false when the citizen already had their fill this hour. */
    boolean tryAcquire(String owner) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            // Two instances counting the same citizen's exports at once take turns, so neither admits one too many.
            jdbc.sql("SELECT pg_advisory_xact_lock(:namespace, hashtext(:owner))")
                    .param("namespace", LOCK_NAMESPACE).param("owner", owner).query().singleRow();
            // Everyone's exports older than the window go: a citizen who never exports again leaves nothing behind.
            jdbc.sql("DELETE FROM export_event WHERE exported_at < now() - interval '1 hour'").update();
            long recent = jdbc.sql("SELECT count(*) FROM export_event WHERE owner = :owner")
                    .param("owner", owner).query(Long.class).single();
            if (recent >= maxPerHour) {
                return false;
            }
            jdbc.sql("INSERT INTO export_event (owner, exported_at) VALUES (:owner, now())")
                    .param("owner", owner).update();
            return true;
        }));
    }
}
