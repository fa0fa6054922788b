package fr.civis.vault.document;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import fr.civis.vault.cluster.ClusterJobs;
import fr.civis.vault.storage.ObjectStore;
import fr.civis.vault.storage.StorageProperties;
import fr.civis.vault.storage.StorageUnavailableException;

/**
 * Removes sealed objects no document row points to: what an upload interrupted by a crash, a refusal or a lost
 * removal left behind; aborts multipart uploads abandoned the same way (their parts are not objects yet). Only objects older than the grace period go, so uploads in progress are never touched.
 * One instance of a scaled-out vault sweeps per period ({@link ClusterJobs}): each sweep lists the whole bucket.
 */
@Component
public class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

    private final ObjectStore store;
    private final DocumentRepository documents;
    private final StorageProperties settings;
    private final Clock clock;
    private final ClusterJobs jobs;
    private final Duration interval;

    OrphanSweeper(ObjectStore store, DocumentRepository documents, StorageProperties settings, Clock clock,
            ClusterJobs jobs, @Value("${civis.storage.sweep-interval:PT15M}") Duration interval) {
        this.store = store;
        this.documents = documents;
        this.settings = settings;
        this.clock = clock;
        this.jobs = jobs;
        this.interval = interval;
    }

    /** Number of objects removed. */
    public int sweep() {
        int removed = 0;
        java.time.Instant before = clock.instant().minus(settings.orphanGrace());
        try {
            int aborted = store.abortUploadsStartedBefore(before);
            if (aborted > 0) {
                log.info("Orphan sweeper aborted {} abandoned multipart uploads", aborted);
            }
        } catch (StorageUnavailableException e) {
            // Not every S3 server lists uploads; the objects are swept all the same.
            log.warn("Abandoned multipart uploads not checked: {}", e.getCause().getClass().getSimpleName());
        }
        for (String name : store.namesOlderThan(before)) {
            if (!documents.objectReferenced(name)) {
                store.delete(name);
                removed++;
            }
        }
        if (removed > 0) {
            log.info("Orphan sweeper removed {} unreferenced objects", removed);
        }
        return removed;
    }

    @Scheduled(initialDelayString = "${civis.storage.sweep-initial-delay:PT1M}",
            fixedDelayString = "${civis.storage.sweep-interval:PT15M}")
    void scheduledSweep() {
        try {
            jobs.runOnce("orphan-sweep", interval, this::sweep);
        } catch (RuntimeException e) {
            log.warn("Orphan sweep skipped: {}", e.getClass().getSimpleName());
        }
    }
}
