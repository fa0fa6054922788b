package fr.civis.vault.safe;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.vault.citizen.CitizenKeys;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.cluster.ClusterJobs;
import fr.civis.vault.document.DocumentService;

/**
 * Ends the safes whose retrieval-only period is over: in one transaction, under the key row's lock (so a
 * last-minute cancellation either wins or loses whole), every document row and the citizen's key go. The sealed
 * objects are removed afterwards; any left over are unreadable and swept as orphans. One instance of a scaled-out
 * vault runs it per period ({@link ClusterJobs}).
 */
@Component
class SafeClosureJob {

    private static final Logger log = LoggerFactory.getLogger(SafeClosureJob.class);

    private final Safes safes;
    private final CitizenKeys citizenKeys;
    private final DocumentService documents;
    private final TransactionTemplate transaction;
    private final JdbcClient jdbc;
    private final ClusterJobs jobs;
    private final Duration interval;

    SafeClosureJob(Safes safes, CitizenKeys citizenKeys, DocumentService documents, TransactionTemplate transaction,
            JdbcClient jdbc, ClusterJobs jobs, @Value("${civis.safe.closure-check-interval:PT1H}") Duration interval) {
        this.safes = safes;
        this.citizenKeys = citizenKeys;
        this.documents = documents;
        this.transaction = transaction;
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.interval = interval;
    }

    @Scheduled(initialDelayString = "${civis.safe.closure-check-initial-delay:PT1M}",
            fixedDelayString = "${civis.safe.closure-check-interval:PT1H}")
    void scheduledClosures() {
        jobs.runOnce("safe-closure", interval, this::closeDueSafes);
    }

    private void closeDueSafes() {
        for (Owner owner : safes.closuresDue()) {
            try {
                List<String> objects = transaction.execute(status -> destroyIfStillDue(owner));
                documents.deleteObjects(objects);
            } catch (RuntimeException e) {
                log.warn("Closing a safe failed, retried at the next run: {}", e.getClass().getSimpleName());
            }
        }
    }

    private List<String> destroyIfStillDue(Owner owner) {
        boolean due = jdbc.sql("""
                SELECT owner FROM citizen_key WHERE owner = :owner AND retrieval_only_until <= now() FOR UPDATE
                """).param("owner", owner.subject()).query(String.class).optional().isPresent();
        if (!due) {
            return List.of();
        }
        List<String> objects = documents.deleteAllRows(owner);
        citizenKeys.destroy(owner);
        log.info("A safe reached the end of its closure: {} documents destroyed with its keys", objects.size());
        return objects;
    }
}
