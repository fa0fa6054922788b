package fr.civis.vault.masterkey;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.KeyProperties;
import fr.civis.vault.crypto.KeyProviderUnavailableException;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.MasterKeySources.Store;

/**
 * Master-key rotations (docs/adr/0016-master-key-rotation.md). {@link #start} makes a new master key current, at once
 * for this instance and within {@code civis.keys.refresh-interval} for the others, and records a rotation; a worker
 * then rewraps every citizen key under it in batches ({@link CitizenKeyRewrapper}). The worker of one instance only
 * runs it, under a PostgreSQL advisory lock held by its connection: if that instance dies, the lock goes with its
 * connection and another instance (or the same, restarted) resumes after the last committed batch. Then
 * {@link #retire} drops an old key, and refuses while any citizen key still names it.
 *
 * <p>Metrics: {@code civis.vault.master.key.rotation.done} and {@code .total} (citizen keys),
 * {@code .rate} (citizen keys per second, this instance's run), {@code civis.vault.master.key.rewrapped} (counter).
 */
@Service
public class MasterKeyRotation implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);
    /** pg_try_advisory_lock key: "civis master key rotation". */
    private static final long LOCK_KEY = 0x6369766973_6d6bL;
    private static final Duration PROGRESS_LOG = Duration.ofSeconds(10);

    /** Where a rotation stands. {@code ratePerSecond} is over its whole life, pauses included. */
    public record Progress(long id, String targetKey, String state, long done, long total, Long leftOver,
            double ratePerSecond, OffsetDateTime startedAt, OffsetDateTime updatedAt, OffsetDateTime finishedAt) {
    }

    /** A master key, where it lives, its state, and how many citizen keys it wraps now. */
    public record KeyInUse(String id, String store, String state, long citizenKeys) {
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final MasterKeySources sources;
    private final MasterKeyRing ring;
    private final Keyring keyring;
    private final int batchSize;
    private final int maxRate;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("master-key-rotation").daemon().factory());
    private final AtomicBoolean working = new AtomicBoolean();
    private volatile boolean stopping;
    /** Tests run the worker themselves, step by step. */
    boolean runInBackground = true;

    private final AtomicLong gaugeDone = new AtomicLong();
    private final AtomicLong gaugeTotal = new AtomicLong();
    private volatile double gaugeRate;
    private final Counter rewrapped;

    MasterKeyRotation(JdbcClient jdbc, DataSource dataSource, TransactionTemplate transaction,
            MasterKeySources sources, MasterKeyRing ring, Keyring keyring, KeyProperties keys, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.transaction = transaction;
        this.sources = sources;
        this.ring = ring;
        this.keyring = keyring;
        this.batchSize = keys.rotation().batchSize();
        this.maxRate = keys.rotation().maxRate();
        Gauge.builder("civis.vault.master.key.rotation.done", gaugeDone, AtomicLong::get)
                .description("Citizen keys rewrapped by the latest master-key rotation").register(meters);
        Gauge.builder("civis.vault.master.key.rotation.total", gaugeTotal, AtomicLong::get)
                .description("Citizen keys the latest master-key rotation has to rewrap").register(meters);
        Gauge.builder("civis.vault.master.key.rotation.rate", this, rotation -> rotation.gaugeRate)
                .description("Citizen keys rewrapped per second by this instance's current run").register(meters);
        this.rewrapped = Counter.builder("civis.vault.master.key.rewrapped")
                .description("Citizen keys rewrapped under a new master key by this instance").register(meters);
        latest().ifPresent(this::publish);
    }

    /**
     * Makes {@code keyId} in {@code store} the current master key and starts rewrapping every citizen key under it.
     * With {@code generate}, the key is first made there (inside the token, non-extractable, for PKCS#11);
     * otherwise it must exist already (made with the HSM's own tools or {@code keytool}).
     */
    public Progress start(String keyId, Store store, boolean generate) {
        if (running().isPresent()) {
            throw new ProblemException(HttpStatus.CONFLICT, "master-key-rotation-running");
        }
        if (keyId.equals(ring.currentId())) {
            return sweep(keyId);
        }
        if (ring.entries().stream().anyMatch(entry -> entry.id().equals(keyId))) {
            throw new ProblemException(HttpStatus.CONFLICT, "master-key-exists");
        }
        if (!sources.has(store)) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "master-key-store-not-configured");
        }
        try {
            if (generate) {
                sources.generate(store, keyId);
            } else {
                sources.open(store, keyId);
            }
        } catch (KeyProviderUnavailableException unreachable) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "keys-unavailable", unreachable);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException refused) {
            log.warn("Master key '{}' ({}) refused for a rotation: {}", keyId, store.code(), refused.getMessage());
            throw new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "master-key-unusable", refused);
        }
        long id = openRotation(keyId, () -> {
            jdbc.sql("UPDATE master_key SET state = 'previous' WHERE state = 'current'").update();
            jdbc.sql("INSERT INTO master_key (id, store, state) VALUES (:id, :store, 'current')")
                    .param("id", keyId).param("store", store.code()).update();
        });
        try {
            ring.refresh();
        } catch (MasterKeyRing.OpenFailure failure) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "keys-unavailable", failure);
        }
        log.info("Master key rotation #{} started: '{}' ({}) is now current", id, keyId, store.code());
        if (runInBackground) {
            kick();
        }
        return progress(id).orElseThrow();
    }

    /**
     * Records a running rotation to {@code keyId}, counting the citizen keys it has to rewrap, after what
     * {@code first} writes in the same transaction; 409 when another rotation runs.
     */
    private long openRotation(String keyId, Runnable first) {
        try {
            return transaction.execute(status -> {
                first.run();
                long total = jdbc.sql("SELECT count(*) FROM citizen_key WHERE master_key_id <> :id")
                        .param("id", keyId).query(Long.class).single();
                return jdbc.sql("""
                        INSERT INTO master_key_rotation (target_key, state, total) VALUES (:id, 'running', :total)
                        RETURNING id""").param("id", keyId).param("total", total).query(Long.class).single();
            });
        } catch (org.springframework.dao.DuplicateKeyException concurrentStart) {
            throw new ProblemException(HttpStatus.CONFLICT, "master-key-rotation-running");
        }
    }

    /**
     * A rotation to the key that is already current: rewraps what an instance still sealed under an older key
     * before it saw the new one (it reads the current key every {@code civis.keys.refresh-interval}).
     */
    private Progress sweep(String keyId) {
        long id = openRotation(keyId, () -> { });
        log.info("Master key rotation #{} started: sweep to the current key '{}'", id, keyId);
        if (runInBackground) {
            kick();
        }
        return progress(id).orElseThrow();
    }

    /**
     * Retires {@code keyId}: this vault stops opening it. Refused for the current key, and while any citizen key is
     * still sealed under it. The key material itself stays where it is, for the operator to destroy when the last
     * database backup that still needs it has expired.
     */
    public void retire(String keyId) {
        transaction.executeWithoutResult(status -> {
            Optional<String> state = jdbc.sql("SELECT state FROM master_key WHERE id = :id FOR UPDATE")
                    .param("id", keyId).query(String.class).optional();
            if (state.isEmpty()) {
                throw new ProblemException(HttpStatus.NOT_FOUND, "master-key-not-found");
            }
            if ("current".equals(state.get())) {
                throw new ProblemException(HttpStatus.CONFLICT, "master-key-current");
            }
            long stillUnder = jdbc.sql("SELECT count(*) FROM citizen_key WHERE master_key_id = :id")
                    .param("id", keyId).query(Long.class).single();
            if (stillUnder > 0) {
                throw ProblemException.withValues(HttpStatus.CONFLICT, "master-key-in-use", stillUnder);
            }
            jdbc.sql("UPDATE master_key SET state = 'retired', retired_at = now() WHERE id = :id")
                    .param("id", keyId).update();
        });
        try {
            ring.refresh();
        } catch (MasterKeyRing.OpenFailure failure) {
            log.warn("Master keys not refreshed after a retirement: {}", failure.getCause().toString());
        }
        log.info("Master key '{}' retired", keyId);
    }

    /** Every master key known, with the number of citizen keys under each. */
    public List<KeyInUse> keys() {
        return jdbc.sql("""
                SELECT m.id, m.store, m.state, (SELECT count(*) FROM citizen_key c WHERE c.master_key_id = m.id)
                FROM master_key m ORDER BY m.created_at, m.id""")
                .query((row, n) -> new KeyInUse(row.getString(1), row.getString(2), row.getString(3), row.getLong(4)))
                .list();
    }

    public Optional<Progress> latest() {
        return jdbc.sql("SELECT max(id) FROM master_key_rotation").query(Long.class).optional().flatMap(this::progress);
    }

    Optional<Long> running() {
        return jdbc.sql("SELECT id FROM master_key_rotation WHERE state = 'running'").query(Long.class).optional();
    }

    Optional<Progress> progress(long id) {
        return jdbc.sql("""
                SELECT id, target_key, state, done, total, left_over, started_at, updated_at, finished_at
                FROM master_key_rotation WHERE id = :id""").param("id", id)
                .query((row, n) -> {
                    OffsetDateTime started = row.getObject(7, OffsetDateTime.class);
                    OffsetDateTime updated = row.getObject(8, OffsetDateTime.class);
                    long done = row.getLong(4);
                    double seconds = Duration.between(started, updated).toMillis() / 1000.0;
                    Long leftOver = row.getObject(6) == null ? null : row.getLong(6);
                    return new Progress(row.getLong(1), row.getString(2), row.getString(3), done, row.getLong(5),
                            leftOver, seconds > 0 ? Math.round(done / seconds * 10) / 10.0 : 0, started, updated,
                            row.getObject(9, OffsetDateTime.class));
                }).optional();
    }

    /** Every instance looks for a rotation to run (a new one, or one whose worker died) now and then. */
    @Scheduled(fixedDelayString = "${civis.keys.rotation.poll-interval:5s}",
            initialDelayString = "${civis.keys.rotation.poll-interval:5s}")
    void poll() {
        if (running().isPresent()) {
            kick();
        }
    }

    private void kick() {
        if (!stopping && working.compareAndSet(false, true)) {
            worker.execute(() -> {
                try {
                    runPending();
                } finally {
                    working.set(false);
                }
            });
        }
    }

    /**
     * Runs the pending rotation to its end on this instance if no other instance holds the lock; returns when it
     * is done, when the key provider fails (the next poll resumes), or at shutdown.
     */
    void runPending() {
        try (Connection connection = dataSource.getConnection()) {
            if (!tryLock(connection)) {
                return;
            }
            try {
                Optional<Long> pending = running();
                if (pending.isPresent()) {
                    // Started on another instance, maybe a moment ago: seal under the key it made current.
                    ring.refresh();
                    run(connection, pending.get());
                }
            } finally {
                unlock(connection);
            }
        } catch (SQLException | RuntimeException | MasterKeyRing.OpenFailure e) {
            log.warn("Master key rotation paused, resumed at the next poll: {}", e.toString());
        }
    }

    private void run(Connection connection, long rotationId) throws SQLException {
        CitizenKeyRewrapper rewrapper = new CitizenKeyRewrapper(keyring, batchSize);
        long startNanos = System.nanoTime();
        long doneHere = 0;
        long broken = 0;
        Instant nextLog = Instant.now().plus(PROGRESS_LOG);
        while (!stopping) {
            CitizenKeyRewrapper.Batch batch;
            try {
                batch = rewrapper.runBatch(connection, rotationId);
            } catch (GeneralSecurityException providerDown) {
                log.warn("Master key rotation #{} paused: the key provider failed ({}); resumed at the next poll",
                        rotationId, providerDown.getMessage());
                return;
            }
            doneHere += batch.rewrapped();
            broken += batch.broken();
            rewrapped.increment(batch.rewrapped());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            gaugeRate = seconds > 0 ? doneHere / seconds : 0;
            Progress progress = progress(rotationId).orElseThrow();
            publish(progress);
            if (batch.finished()) {
                log.info("Master key rotation #{} to '{}' done: {} citizen keys rewrapped{}", rotationId,
                        progress.targetKey(), progress.done(), progress.leftOver() != null && progress.leftOver() > 0
                                ? ", " + progress.leftOver() + " left under an old key (they do not open)" : "");
                gaugeRate = 0;
                return;
            }
            if (Instant.now().isAfter(nextLog)) {
                log.info("Master key rotation #{} to '{}': {}/{} citizen keys, {}/s{}", rotationId,
                        progress.targetKey(), progress.done(), progress.total(), Math.round(gaugeRate),
                        broken > 0 ? ", " + broken + " did not open" : "");
                nextLog = Instant.now().plus(PROGRESS_LOG);
            }
            if (batch.rewrapped() == 0 && batch.broken() == 0) {
                pause(Duration.ofMillis(200)); // every remaining row is locked by traffic: let it pass
            } else {
                // No faster than maxRate: the keys rewrapped so far are due no earlier than this.
                long aheadNanos = (long) ((doneHere + broken) * 1e9 / maxRate) - (System.nanoTime() - startNanos);
                if (aheadNanos > 0) {
                    pause(Duration.ofNanos(aheadNanos));
                }
            }
        }
    }

    private void publish(Progress progress) {
        gaugeDone.set(progress.done());
        gaugeTotal.set(progress.total());
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            try (ResultSet row = lock.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, LOCK_KEY);
            unlock.execute();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void destroy() {
        stopping = true;
        worker.shutdown();
        try {
            worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
