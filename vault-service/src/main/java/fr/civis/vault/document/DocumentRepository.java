package fr.civis.vault.document;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Every query names the owner: a document of someone else is never found, whatever its id. */
@Repository
class DocumentRepository {

    private final JdbcClient jdbc;

    DocumentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(DocumentRow row) {
        jdbc.sql("""
                INSERT INTO document (id, owner, type, title_sealed, filename_sealed, content_type, size_bytes, sha256,
                                      object_name, content_version, wrapped_key, valid_until, idempotency_key,
                                      created_at, updated_at)
                VALUES (:id, :owner, :type, :title, :filename, :contentType, :size, :sha256, :objectName,
                        :contentVersion, :wrappedKey, :validUntil, :idempotencyKey, :createdAt, :updatedAt)
                """)
                .param("id", row.id()).param("owner", row.owner()).param("type", row.type().code())
                .param("title", row.titleSealed()).param("filename", row.filenameSealed())
                .param("contentType", row.contentType()).param("size", row.size()).param("sha256", row.sha256())
                .param("objectName", row.objectName()).param("contentVersion", row.contentVersion())
                .param("wrappedKey", row.wrappedKey()).param("validUntil", row.validUntil())
                .param("idempotencyKey", row.idempotencyKey())
                .param("createdAt", Timestamp.from(row.createdAt())).param("updatedAt", Timestamp.from(row.updatedAt()))
                .update();
    }

    Optional<DocumentRow> find(String owner, UUID id) {
        return jdbc.sql("SELECT * FROM document WHERE owner = :owner AND id = :id")
                .param("owner", owner).param("id", id).query(DocumentRepository::row).optional();
    }

    /** Only for a release, whose owner consent-service names after the check: never for a citizen's request. */
    Optional<DocumentRow> findAnyOwner(UUID id) {
        return jdbc.sql("SELECT * FROM document WHERE id = :id")
                .param("id", id).query(DocumentRepository::row).optional();
    }

    Optional<DocumentRow> findByIdempotencyKey(String owner, String idempotencyKey) {
        return jdbc.sql("SELECT * FROM document WHERE owner = :owner AND idempotency_key = :key")
                .param("owner", owner).param("key", idempotencyKey).query(DocumentRepository::row).optional();
    }

    List<DocumentRow> page(String owner, Optional<DocumentType> type, int page, int size) {
        return rows(ListingSql.page(owner, type.map(DocumentType::code), size, (long) page * size));
    }

    /** Every document of the owner, newest first: bounded by civis.documents.max-documents. */
    List<DocumentRow> all(String owner, Optional<DocumentType> type) {
        return rows(ListingSql.all(owner, type.map(DocumentType::code)));
    }

    long count(String owner, Optional<DocumentType> type) {
        ListingSql count = ListingSql.count(owner, type.map(DocumentType::code));
        return jdbc.sql(count.sql()).params(count.params()).query(Long.class).single();
    }

    private List<DocumentRow> rows(ListingSql listing) {
        return jdbc.sql(listing.sql()).params(listing.params()).query(DocumentRepository::row).list();
    }

    Usage usage(String owner) {
        return jdbc.sql("SELECT count(*) AS documents, coalesce(sum(size_bytes), 0) AS bytes FROM document WHERE owner = :owner")
                .param("owner", owner)
                .query((rs, n) -> new Usage(rs.getLong("documents"), rs.getLong("bytes"))).single();
    }

    void update(String owner, UUID id, DocumentType type, byte[] titleSealed, LocalDate validUntil) {
        jdbc.sql("""
                UPDATE document SET type = :type, title_sealed = :title, valid_until = :validUntil, updated_at = now()
                WHERE owner = :owner AND id = :id
                """)
                .param("type", type.code()).param("title", titleSealed).param("validUntil", validUntil)
                .param("owner", owner).param("id", id).update();
    }

    /** Deletes the row and with it the wrapped key: the content in S3 can no longer be opened. */
    Optional<String> delete(String owner, UUID id) {
        return jdbc.sql("DELETE FROM document WHERE owner = :owner AND id = :id RETURNING object_name")
                .param("owner", owner).param("id", id).query(String.class).optional();
    }

    List<String> deleteAll(String owner) {
        return jdbc.sql("DELETE FROM document WHERE owner = :owner RETURNING object_name")
                .param("owner", owner).query(String.class).list();
    }

    boolean objectReferenced(String objectName) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM document WHERE object_name = :name)")
                .param("name", objectName).query(Boolean.class).single();
    }

    record Usage(long documents, long bytes) {
    }

    private static DocumentRow row(ResultSet rs, int rowNumber) throws SQLException {
        java.sql.Date validUntil = rs.getDate("valid_until");
        return new DocumentRow(
                rs.getObject("id", UUID.class),
                rs.getString("owner"),
                DocumentType.fromCode(rs.getString("type")).orElseThrow(),
                rs.getBytes("title_sealed"),
                rs.getBytes("filename_sealed"),
                rs.getString("content_type"),
                rs.getLong("size_bytes"),
                rs.getBytes("sha256"),
                rs.getString("object_name"),
                rs.getInt("content_version"),
                rs.getBytes("wrapped_key"),
                validUntil == null ? null : validUntil.toLocalDate(),
                rs.getString("idempotency_key"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
