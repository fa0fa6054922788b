package fr.civis.consent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import fr.civis.consent.TestDatabase;

/** The journal on real PostgreSQL, through the runtime role the service uses. */
class JournalDataTest {

    private TestDatabase database;
    private HikariDataSource runtime;
    private HikariDataSource superuser;
    private JournalWriter writer;
    private final TestSigner signer = new TestSigner();

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        runtime = database.runtime();
        superuser = database.superuser();
        writer = new JournalWriter(runtime, Clock.systemUTC(), 500, Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        writer.close();
        runtime.close();
        superuser.close();
    }

    private static JournalEntry.Event event(int i) {
        return JournalEntry.Event.of("access").actor("civis-vault").subject("citizen-" + (i % 7))
                .recipient("mairie-demo").consentId(UUID.randomUUID()).documentId(UUID.randomUUID())
                .purpose("inscription-creche").digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }

    private long count() throws SQLException {
        try (Connection connection = runtime.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM journal_entry")) {
            row.next();
            return row.getLong(1);
        }
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            writer.append(event(i));
        }
    }

    private Verification verify() throws SQLException {
        return new JournalVerifier(runtime, signer).verify();
    }

    private void checkpoint() throws SQLException {
        assertThat(new Checkpointer(runtime, signer, Clock.systemUTC()).checkpoint()).isPresent();
    }

    @Test
    void appends_chain_from_one_and_verify() throws SQLException {
        JournalEntry first = writer.append(event(0));
        JournalEntry second = writer.append(event(1));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(Canonical.GENESIS);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        checkpoint();
        Verification result = verify();
        assertThat(result.ok()).isTrue();
        assertThat(result.size()).isEqualTo(2);
        assertThat(result.checkpoint().size()).isEqualTo(2);
        assertThat(result.firstBadEntry()).isNull();
    }

    @Test
    void an_event_id_sent_again_is_journaled_once_and_answered_with_its_entry() throws SQLException {
        append(2);
        JournalEntry.Event login = JournalEntry.Event.of("security.login").actor("user-1")
                .security(UUID.randomUUID().toString(), "civis-portal", "success", "{\"time\":\"2026-12-03T07:40:00Z\"}");
        JournalEntry first = writer.append(login);
        JournalEntry again = writer.append(login);
        // Twice in one group too, beside a new one: one entry for the first, one for the new.
        JournalEntry.Event other = login.security(UUID.randomUUID().toString(), "civis-portal", "success", null);
        List<JournalEntry> group = writer.appendAll(List.of(login, other, other));

        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(again.hash()).isEqualTo(first.hash());
        assertThat(group.get(0).seq()).isEqualTo(first.seq());
        assertThat(group.get(1).seq()).isEqualTo(first.seq() + 1).isEqualTo(group.get(2).seq());
        assertThat(count()).isEqualTo(4);
        Verification result = verify();
        assertThat(result.ok()).as(result.reason()).isTrue();
    }

    @Test
    void the_unique_index_refuses_an_event_id_twice_even_without_the_writer() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        writer.append(JournalEntry.Event.of("security.logout").security(eventId, null, "success", null));
        try (Connection connection = runtime.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO journal_entry (seq, recorded_at, kind, "
                    + "prev_hash, hash, event_id) VALUES (2, now(), 'security.logout', "
                    + "decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'), '" + eventId + "')"))
                    .hasMessageContaining("journal_entry_event_id");
        }
    }

    @Test
    void the_runtime_role_cannot_update_delete_or_truncate() {
        append(3);
        for (String sql : List.of("UPDATE journal_entry SET reason = 'x' WHERE seq = 2",
                "DELETE FROM journal_entry WHERE seq = 3", "TRUNCATE journal_entry",
                "UPDATE journal_checkpoint SET key_id = 'x'", "DELETE FROM journal_checkpoint",
                "TRUNCATE journal_checkpoint")) {
            assertThatThrownBy(() -> TestDatabase.execute(runtime, sql)).as(sql)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501")); // insufficient_privilege
        }
    }

    @Test
    void the_trigger_refuses_even_the_owner_and_the_superuser() throws SQLException {
        append(2);
        for (String sql : List.of("UPDATE journal_entry SET reason = 'x' WHERE seq = 2",
                "DELETE FROM journal_entry WHERE seq = 2", "TRUNCATE journal_entry")) {
            assertThatThrownBy(() -> TestDatabase.execute(superuser, sql)).as(sql)
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        assertThat(verify().ok()).isTrue();
    }

    @Test
    void an_entry_changed_as_superuser_is_named_by_verify() throws SQLException {
        append(10);
        checkpoint();
        asSuperuserWithoutTriggers("UPDATE journal_entry SET recipient = 'partenaire-eau' WHERE seq = 6");
        Verification result = verify();
        assertThat(result.ok()).isFalse();
        assertThat(result.firstBadEntry()).isEqualTo(6);
        assertThat(result.reason()).isEqualTo("hash-mismatch");
    }

    @Test
    void an_entry_removed_in_the_middle_is_named_by_verify() throws SQLException {
        append(10);
        asSuperuserWithoutTriggers("DELETE FROM journal_entry WHERE seq = 4");
        Verification result = verify();
        assertThat(result.ok()).isFalse();
        assertThat(result.firstBadEntry()).isEqualTo(4);
        assertThat(result.reason()).isEqualTo("entry-missing");
    }

    @Test
    void a_rewritten_and_rehashed_chain_is_caught_by_the_checkpoint() throws SQLException {
        append(5);
        checkpoint();
        append(5);
        checkpoint();
        // The attacker changes entry 7 and recomputes every hash after it: the chain is consistent again…
        asSuperuserWithoutTriggers("UPDATE journal_entry SET reason = 'rewritten' WHERE seq = 7");
        rehashFrom(7);
        Verification result = verify();
        // …but not the one we signed at 10: what came after the checkpoint at 5 cannot be trusted.
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("checkpoint-mismatch");
        assertThat(result.firstBadEntry()).isEqualTo(6);
    }

    @Test
    void a_truncated_tail_is_found() throws SQLException {
        append(10);
        checkpoint();
        asSuperuserWithoutTriggers("DELETE FROM journal_entry WHERE seq > 7");
        Verification result = verify();
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("truncated");
        assertThat(result.firstBadEntry()).isEqualTo(8);
        assertThat(result.size()).isEqualTo(7);
    }

    @Test
    void a_forged_checkpoint_is_found() throws SQLException {
        append(3);
        checkpoint();
        asSuperuserWithoutTriggers("UPDATE journal_checkpoint SET signature = 'eyJ9.AAAA' WHERE size = 3");
        Verification result = verify();
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("checkpoint-signature");
    }

    @Test
    void four_threads_on_two_instances_give_one_unforked_chain() throws Exception {
        int perThread = 250;
        try (HikariDataSource otherPool = database.runtime();
             JournalWriter other = new JournalWriter(otherPool, Clock.systemUTC(), 500, Duration.ofSeconds(30))) {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                JournalWriter instance = t % 2 == 0 ? writer : other;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        instance.append(event(i));
                    }
                }, threads));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            threads.shutdown();
        }
        Verification result = verify();
        assertThat(result.ok()).isTrue();
        assertThat(result.size()).isEqualTo(4 * perThread);
        try (Connection connection = runtime.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT count(*), count(DISTINCT prev_hash), min(seq), max(seq) FROM journal_entry")) {
            row.next();
            assertThat(row.getLong(1)).isEqualTo(4 * perThread);
            assertThat(row.getLong(2)).as("no two entries share a parent: no fork").isEqualTo(4 * perThread);
            assertThat(row.getLong(3)).isEqualTo(1);
            assertThat(row.getLong(4)).isEqualTo(4 * perThread);
        }
    }

    private void asSuperuserWithoutTriggers(String sql) throws SQLException {
        try (Connection connection = superuser.getConnection(); Statement statement = connection.createStatement()) {
            // What someone with full access to the server could do: skip the append-only triggers.
            statement.execute("SET session_replication_role = replica");
            statement.execute(sql);
            statement.execute("SET session_replication_role = DEFAULT");
        }
    }

    /** Recomputes every hash from {@code seq} on, as an attacker covering their tracks would. */
    private void rehashFrom(long seq) throws SQLException {
        try (Connection connection = superuser.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica");
            byte[] prev;
            try (ResultSet row = statement.executeQuery("SELECT hash FROM journal_entry WHERE seq = " + (seq - 1))) {
                row.next();
                prev = row.getBytes(1);
            }
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery("SELECT seq, recorded_at, kind, actor, subject, recipient, "
                    + "consent_id, document_id, purpose, reason, digest FROM journal_entry WHERE seq >= " + seq
                    + " ORDER BY seq")) {
                while (row.next()) {
                    JournalEntry.Event event = new JournalEntry.Event(row.getString(3), row.getString(4),
                            row.getString(5), row.getString(6), row.getObject(7, UUID.class),
                            row.getObject(8, UUID.class), row.getString(9), row.getString(10), row.getString(11));
                    byte[] hash = Canonical.hash(row.getLong(1),
                            row.getObject(2, java.time.OffsetDateTime.class).toInstant(), event, prev);
                    rows.add(new Object[] {row.getLong(1), prev, hash});
                    prev = hash;
                }
            }
            try (var update = connection.prepareStatement("UPDATE journal_entry SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (Object[] values : rows) {
                    update.setBytes(1, (byte[]) values[1]);
                    update.setBytes(2, (byte[]) values[2]);
                    update.setLong(3, (Long) values[0]);
                    update.executeUpdate();
                }
            }
            statement.execute("SET session_replication_role = DEFAULT");
        }
    }
}
