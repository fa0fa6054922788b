package fr.civis.consent.consent;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ConsentRepository {

    private static final String COLUMNS = "id, subject, pairwise_subject, recipient, recipient_name, purpose, "
            + "purpose_label, legal_basis, document_types, document_ids, granted_at, expires_at, revoked_at, "
            + "revocation_reason, collection_method, notice_version, receipt";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Clock clock;

    ConsentRepository(JdbcClient jdbc, JdbcTemplate template, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.clock = clock;
    }

    void insert(Consent consent) {
        template.update(connection -> {
            PreparedStatement insert = connection.prepareStatement("INSERT INTO consent (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)");
            insert.setObject(1, consent.id());
            insert.setString(2, consent.subject());
            insert.setString(3, consent.pairwiseSubject());
            insert.setString(4, consent.recipient());
            insert.setString(5, consent.recipientName());
            insert.setString(6, consent.purpose());
            insert.setString(7, consent.purposeLabel());
            insert.setString(8, consent.legalBasis());
            insert.setArray(9, connection.createArrayOf("text", consent.documentTypes().toArray()));
            insert.setArray(10, connection.createArrayOf("uuid", consent.documentIds().toArray()));
            insert.setObject(11, utc(consent.grantedAt()));
            insert.setObject(12, utc(consent.expiresAt()));
            insert.setString(13, consent.collectionMethod());
            insert.setString(14, consent.noticeVersion());
            insert.setString(15, consent.receipt());
            return insert;
        });
    }

    Optional<Consent> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM consent WHERE id = ?").param(id).query(this::map).optional();
    }

    Optional<Consent> findOf(String subject, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM consent WHERE id = ? AND subject = ?").params(id, subject)
                .query(this::map).optional();
    }

    List<Consent> of(String subject, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM consent WHERE subject = ? ORDER BY granted_at DESC, id LIMIT ?")
                .params(subject, limit).query(this::map).list();
    }

    /** Consents of {@code subject} still in force, covering {@code documentId} when given. */
    List<Consent> inForce(String subject, UUID documentId, Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM consent WHERE subject = ? AND revoked_at IS NULL AND expires_at > ?"
                        + (documentId == null ? "" : " AND document_ids @> ARRAY[?]::uuid[]"))
                .params(documentId == null ? List.of(subject, utc(now)) : List.of(subject, utc(now), documentId))
                .query(this::map).list();
    }

    /** Ends the consent if nothing ended it meanwhile; false when it was already revoked. */
    boolean end(UUID id, Instant at, String reason) {
        return jdbc.sql("UPDATE consent SET revoked_at = ?, revocation_reason = ? WHERE id = ? AND revoked_at IS NULL")
                .params(utc(at), reason, id).update() == 1;
    }

    private Consent map(ResultSet row, int n) throws SQLException {
        Instant expiresAt = instant(row, 12);
        Instant revokedAt = instant(row, 13);
        return new Consent(row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), row.getString(8),
                Arrays.asList((String[]) row.getArray(9).getArray()), Arrays.asList((UUID[]) row.getArray(10).getArray()),
                instant(row, 11), expiresAt, revokedAt, row.getString(14),
                Consent.statusAt(expiresAt, revokedAt, clock.instant()), row.getString(15), row.getString(16),
                row.getString(17));
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
