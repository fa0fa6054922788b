package fr.civis.vault.release;

import java.time.Clock;
import java.time.Duration;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import fr.civis.vault.cluster.ClusterJobs;

/** Forgets release requests a day after they expired; one instance of a scaled-out vault per hour. */
@Component
class ReleaseRequestPurge {

    private static final Duration INTERVAL = Duration.ofHours(1);

    private final ReleaseRequestStore store;
    private final ClusterJobs jobs;
    private final Clock clock;

    ReleaseRequestPurge(ReleaseRequestStore store, ClusterJobs jobs, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
    void purge() {
        jobs.runOnce("release-request-purge", INTERVAL,
                () -> store.purgeExpired(clock.instant().minus(Duration.ofDays(1))));
    }
}
