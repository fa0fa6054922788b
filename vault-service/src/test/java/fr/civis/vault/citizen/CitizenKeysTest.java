package fr.civis.vault.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.DocumentRef;
import fr.civis.vault.crypto.KeyStoreKeyProvider;
import fr.civis.vault.crypto.Keyring;

/** A citizen's key is made once, kept whatever the caller's transaction does, and the same for every caller. */
class CitizenKeysTest {

    @TempDir
    static Path keys;
    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;
    private static DataSourceTransactionManager transactions;
    private static Keyring keyring;
    private static CitizenKeys citizenKeys;

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(120)).start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load()
                .migrate();
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
        transactions = new DataSourceTransactionManager(postgres.getPostgresDatabase());
        keyring = Keyring.create(KeyStoreKeyProvider.openOrCreate(keys.resolve("master.p12"),
                "test-passphrase".toCharArray(), "civis-master-1"));
        citizenKeys = new CitizenKeys(jdbc, keyring, transactions);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theFirstUseMakesTheKeyAndLaterUsesOpenTheSameOne() {
        Owner owner = newOwner();
        assertThat(citizenKeys.keyOf(owner).owner()).isEqualTo(owner.subject());
        byte[] stored = wrapped(owner);
        assertThat(citizenKeys.keyOf(owner).owner()).isEqualTo(owner.subject());
        assertThat(wrapped(owner)).isEqualTo(stored);
    }

    @Test
    void aKeyMadeInsideATransactionThatRollsBackIsKept() {
        Owner owner = newOwner();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            citizenKeys.keyOf(owner);
            status.setRollbackOnly();
        });
        assertThat(rows(owner)).isOne();
    }

    @Test
    void concurrentFirstUsesAllGetTheOneStoredKey() throws Exception {
        Owner owner = newOwner();
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CitizenKey>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return citizenKeys.keyOf(owner);
                }));
            }
            start.countDown();
            CitizenKey stored = citizenKeys.keyOf(owner);
            for (Future<CitizenKey> answer : answers) {
                // What a caller's key wraps, the stored key opens: they are the same key.
                DocumentRef ref = new DocumentRef(owner.subject(), UUID.randomUUID());
                byte[] sealed = keyring.sealDocumentKey(keyring.newDocumentKey(ref), answer.get());
                assertThat(keyring.openDocumentKey(ref, sealed, stored)).isNotNull();
            }
        }
        assertThat(rows(owner)).isOne();
    }

    private static Owner newOwner() {
        return new Owner("citizen-" + UUID.randomUUID());
    }

    private static byte[] wrapped(Owner owner) {
        return jdbc.sql("SELECT wrapped_key FROM citizen_key WHERE owner = :owner").param("owner", owner.subject())
                .query(byte[].class).single();
    }

    private static long rows(Owner owner) {
        return jdbc.sql("SELECT count(*) FROM citizen_key WHERE owner = :owner").param("owner", owner.subject())
                .query(Long.class).single();
    }
}
