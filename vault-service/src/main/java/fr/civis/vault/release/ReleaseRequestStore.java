package fr.civis.vault.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Pushed requests, by the hash of their handle, shared by every instance of the vault through the database. */
@Repository
class ReleaseRequestStore {

    /** A pushed request as stored: everything the browser cannot change. */
    record Stored(String recipient, String purpose, List<String> documentTypes, String duration, String returnUri,
            String state, Instant createdAt, Instant expiresAt, Instant consumedAt) {
    }

    private final JdbcClient jdbc;

    ReleaseRequestStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(byte[] handleHash, Stored request) {
        jdbc.sql("""
                INSERT INTO release_request (handle_sha256, recipient, purpose, document_types, duration, return_uri,
                                             state, created_at, expires_at)
                VALUES (:hash, :recipient, :purpose, :types, :duration, :returnUri, :state, :createdAt, :expiresAt)
                """)
                .param("hash", handleHash).param("recipient", request.recipient()).param("purpose", request.purpose())
                .param("types", String.join(" ", request.documentTypes()))
                .param("duration", request.duration()).param("returnUri", request.returnUri())
                .param("state", request.state())
                .param("createdAt", Timestamp.from(request.createdAt()))
                .param("expiresAt", Timestamp.from(request.expiresAt()))
                .update();
    }

    Optional<Stored> find(byte[] handleHash) {
        return jdbc.sql("SELECT * FROM release_request WHERE handle_sha256 = :hash")
                .param("hash", handleHash).query(ReleaseRequestStore::row).optional();
    }

    /**
     * Uses the request up, once: true for the one caller that found it unused and unexpired, false for any other,
     * whatever the number of instances racing.
     */
    boolean claim(byte[] handleHash, String subject, Instant now) {
        return jdbc.sql("""
                UPDATE release_request SET consumed_at = :now, consumed_by = :subject
                WHERE handle_sha256 = :hash AND consumed_at IS NULL AND expires_at > :now
                """)
                .param("now", Timestamp.from(now)).param("subject", subject).param("hash", handleHash)
                .update() == 1;
    }

    /** Gives back a claim whose consent could not be recorded (consent-service away), so the citizen can retry. */
    void release(byte[] handleHash, String subject) {
        jdbc.sql("""
                UPDATE release_request SET consumed_at = NULL, consumed_by = NULL
                WHERE handle_sha256 = :hash AND consumed_by = :subject
                """)
                .param("hash", handleHash).param("subject", subject).update();
    }

    /** Forgets requests expired for a day: nothing can use them any more. */
    int purgeExpired(Instant before) {
        return jdbc.sql("DELETE FROM release_request WHERE expires_at < :before")
                .param("before", Timestamp.from(before)).update();
    }

    private static Stored row(ResultSet rs, int n) throws SQLException {
        Timestamp consumed = rs.getTimestamp("consumed_at");
        return new Stored(rs.getString("recipient"), rs.getString("purpose"), List.of(rs.getString("document_types").split(" ")),
                rs.getString("duration"), rs.getString("return_uri"), rs.getString("state"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                consumed == null ? null : consumed.toInstant());
    }
}
