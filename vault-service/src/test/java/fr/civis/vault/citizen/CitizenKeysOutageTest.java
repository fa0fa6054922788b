package fr.civis.vault.citizen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.Pkcs11Token;
import fr.civis.vault.crypto.SoftHsm;

/**
 * Uploads and downloads open the citizen's key first, before anything is read from or written to S3: when the HSM
 * goes away they answer 503 {@code keys-unavailable} and write nothing (not even a first-time citizen's key), and
 * they work again once it is back, without a restart.
 */
class CitizenKeysOutageTest {

    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;
    private static DataSourceTransactionManager transactions;

    @BeforeAll
    static void database() throws Exception {
        SoftHsm.assumeInstalled();
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(120)).start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load()
                .migrate();
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
        transactions = new DataSourceTransactionManager(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void anHsmOutageIs503WithNothingWrittenAndServiceResumes() throws Exception {
        Pkcs11Token token = SoftHsm.token();
        String label = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        token.generateKey(label);
        CitizenKeys keys = new CitizenKeys(jdbc, Keyring.create(token.key(label)), transactions);
        Owner known = new Owner("known-" + UUID.randomUUID());
        Owner newcomer = new Owner("newcomer-" + UUID.randomUUID());
        assertThat(keys.keyOf(known).owner()).isEqualTo(known.subject());

        SoftHsm.logout(token);

        for (Owner owner : new Owner[] {known, newcomer}) {
            assertThatThrownBy(() -> keys.keyOf(owner)).isInstanceOfSatisfying(ProblemException.class, problem -> {
                assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(problem.code()).isEqualTo("keys-unavailable");
            });
        }
        assertThat(rows(newcomer)).as("no citizen key half-made").isZero();

        Thread.sleep(SoftHsm.RETRY.toMillis() + 100);
        assertThat(keys.keyOf(known).owner()).isEqualTo(known.subject());
        assertThat(keys.keyOf(newcomer).owner()).isEqualTo(newcomer.subject());
        assertThat(rows(newcomer)).isOne();
    }

    private static long rows(Owner owner) {
        return jdbc.sql("SELECT count(*) FROM citizen_key WHERE owner = :owner").param("owner", owner.subject())
                .query(Long.class).single();
    }
}
