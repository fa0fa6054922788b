package fr.civis.consent;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

/**
 * Real PostgreSQL (the binaries the launcher runs), started once per test JVM. Each {@link #create()} makes a fresh
 * database as the launcher does: an owner role that runs the migrations and a runtime role the service connects as.
 */
public final class TestDatabase {

    public static final String RUNTIME_ROLE = "consent_app";
    private static final String OWNER = "consent";
    private static final String PASSWORD = "test-only-password";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    private static synchronized EmbeddedPostgres postgres() throws IOException, SQLException {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD '" + PASSWORD + "'");
                statement.execute("CREATE ROLE " + RUNTIME_ROLE + " LOGIN NOINHERIT PASSWORD '" + PASSWORD + "'");
            }
        }
        return postgres;
    }

    /** A new, migrated database. */
    public static TestDatabase create() {
        try {
            EmbeddedPostgres server = postgres();
            String name = "consent_" + NAMES.incrementAndGet();
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name + " OWNER " + OWNER);
                statement.execute("GRANT CONNECT ON DATABASE " + name + " TO " + RUNTIME_ROLE);
            }
            TestDatabase database = new TestDatabase(name);
            Flyway.configure().dataSource(database.url(), OWNER, PASSWORD)
                    .placeholders(Map.of("runtimeRole", RUNTIME_ROLE)).load().migrate();
            return database;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("test database", e);
        }
    }

    public String url() {
        try {
            return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/" + name;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String runtimeUser() {
        return RUNTIME_ROLE;
    }

    public String password() {
        return PASSWORD;
    }

    /** A pool as the service has one: the runtime role. */
    public HikariDataSource runtime() {
        return pool(RUNTIME_ROLE, PASSWORD);
    }

    /** The server's superuser, as an attacker with full access to the database would be. */
    public HikariDataSource superuser() {
        return pool("postgres", "");
    }

    private HikariDataSource pool(String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
