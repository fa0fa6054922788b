package fr.civis.vault.document;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A document as stored: personal fields still sealed, the key still wrapped. */
record DocumentRow(
        UUID id,
        String owner,
        DocumentType type,
        byte[] titleSealed,
        byte[] filenameSealed,
        String contentType,
        long size,
        byte[] sha256,
        String objectName,
        int contentVersion,
        byte[] wrappedKey,
        LocalDate validUntil,
        String idempotencyKey,
        Instant createdAt,
        Instant updatedAt) {
}
