package fr.civis.vault.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a scheduled job on one vault instance only, however many share the database (docs/adr/0023-cluster-layout.md).
 * Every instance schedules the job; at each tick, an instance claims the job's {@code scheduled_job} row with
 * {@code FOR UPDATE SKIP LOCKED} and keeps it locked, in an open transaction, while the job runs: another instance
 * skips it meanwhile instead of waiting. The claim also requires the last run to have started at least
 * {@value #GAP_PERCENT}% of a period ago, so that an instance whose tick comes just after another's does not run the job
 * a second time in the same period. If the instance dies during the run, its connection goes, the claim rolls back and
 * the next tick anywhere runs the job again.
 */
@Component
public class ClusterJobs {

    private static final Logger log = LoggerFactory.getLogger(ClusterJobs.class);

    /** Share of the period that must have passed since the last run: the slack absorbs the instances' tick drift. */
    static final int GAP_PERCENT = 80;

    private final DataSource dataSource;

    ClusterJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code job} here when no instance runs it now and none started it in the last part of {@code period};
     * true when it ran here. Failures of the job itself are the job's to handle: a run that threw still counts.
     */
    public boolean runOnce(String name, Duration period, Runnable job) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            // Only when the row is not there yet: ON CONFLICT alone would wait for the instance running the job,
            // whose update of the row is not committed yet.
            try (PreparedStatement seed = connection.prepareStatement("""
                    INSERT INTO scheduled_job (name) SELECT ? WHERE NOT EXISTS
                    (SELECT 1 FROM scheduled_job WHERE name = ?) ON CONFLICT DO NOTHING""")) {
                seed.setString(1, name);
                seed.setString(2, name);
                seed.executeUpdate();
            }
            connection.setAutoCommit(false);
            try {
                if (!claim(connection, name, period.multipliedBy(GAP_PERCENT).dividedBy(100))) {
                    connection.rollback();
                    return false;
                }
                try {
                    job.run();
                } finally {
                    try (PreparedStatement finished = connection.prepareStatement(
                            "UPDATE scheduled_job SET last_finished_at = clock_timestamp() WHERE name = ?")) {
                        finished.setString(1, name);
                        finished.executeUpdate();
                    }
                    connection.commit();
                }
                return true;
            } finally {
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            log.warn("Job {} not run: the database did not answer ({})", name, e.getClass().getSimpleName());
            return false;
        }
    }

    private static boolean claim(Connection connection, String name, Duration gap) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement("""
                SELECT last_started_at <= clock_timestamp() - make_interval(secs => ?) FROM scheduled_job
                WHERE name = ? FOR UPDATE SKIP LOCKED""")) {
            claim.setDouble(1, gap.toMillis() / 1000.0);
            claim.setString(2, name);
            try (ResultSet row = claim.executeQuery()) {
                if (!row.next() || !row.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (PreparedStatement started = connection.prepareStatement(
                "UPDATE scheduled_job SET last_started_at = clock_timestamp(), runs = runs + 1 WHERE name = ?")) {
            started.setString(1, name);
            started.executeUpdate();
        }
        return true;
    }
}
