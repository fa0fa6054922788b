package fr.civis.vault.safe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.vault.MigratedPostgres;

/**
 * The export limit on a real PostgreSQL (migrated by Flyway as the vault does), with two limiters standing for two
 * vault instances: they count the same exports, never admit one too many even when asked at once, and forget exports
 * older than an hour.
 */
class ExportRateLimiterTest {

    private static final int MAX = 3;

    @RegisterExtension
    static final MigratedPostgres DATABASE = new MigratedPostgres();

    private static ExportRateLimiter instance() {
        return new ExportRateLimiter(MAX, DATABASE.jdbc(), new TransactionTemplate(new DataSourceTransactionManager(DATABASE.dataSource())));
    }

    @Test
    void twoInstancesCountTheSameExports() {
        ExportRateLimiter first = instance();
        ExportRateLimiter second = instance();
        assertThat(first.tryAcquire("alternating")).isTrue();
        assertThat(second.tryAcquire("alternating")).isTrue();
        assertThat(first.tryAcquire("alternating")).isTrue();
        assertThat(second.tryAcquire("alternating")).isFalse();
        assertThat(first.tryAcquire("alternating")).isFalse();
        // Someone else's exports are theirs.
        assertThat(second.tryAcquire("someone-else")).isTrue();
    }

    @Test
    void exportsOlderThanAnHourNoLongerCount() {
        for (int i = 0; i < MAX; i++) {
            DATABASE.jdbc().sql("INSERT INTO export_event (owner, exported_at) VALUES ('earlier', now() - interval '61 minutes')")
                    .update();
        }
        DATABASE.jdbc().sql("INSERT INTO export_event (owner, exported_at) VALUES ('earlier', now() - interval '59 minutes')")
                .update();
        assertThat(instance().tryAcquire("earlier")).isTrue();
        assertThat(instance().tryAcquire("earlier")).isTrue();
        assertThat(instance().tryAcquire("earlier")).isFalse();
        assertThat(DATABASE.jdbc().sql("SELECT count(*) FROM export_event WHERE owner = 'earlier'").query(Long.class).single())
                .isEqualTo(MAX);
    }

    @Test
    void simultaneousExportsOnTwoInstancesAdmitNoMoreThanTheLimit() throws Exception {
        List<ExportRateLimiter> instances = List.of(instance(), instance());
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Thread> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ExportRateLimiter limiter = instances.get(i % 2);
            requests.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (limiter.tryAcquire("at-once")) {
                    admitted.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (Thread request : requests) {
            request.join();
        }
        assertThat(admitted).hasValue(MAX);
    }
}
