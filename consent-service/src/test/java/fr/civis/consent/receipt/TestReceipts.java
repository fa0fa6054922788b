package fr.civis.consent.receipt;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The real ES256 signer over keys kept in a test database, for the tests of other packages. */
public final class TestReceipts {

    private TestReceipts() {
    }

    public static Receipts create(DataSource dataSource, Clock clock) {
        ReceiptProperties settings = new ReceiptProperties("test-wrapping-key-with-at-least-32-characters",
                "urn:civis:consent-service", Duration.ofSeconds(60), Duration.ZERO);
        return new Receipts(new SigningKeys(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), settings, clock), settings);
    }
}
