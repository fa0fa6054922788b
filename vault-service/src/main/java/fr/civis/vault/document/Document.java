package fr.civis.vault.document;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A document's metadata as the citizen sees it.
 *
 * @param type     catalogue code ({@code justificatif-domicile}, …)
 * @param filename the original name, sanitised, with the extension of the sniffed type
 * @param sha256   of the plaintext, hex: lets the citizen check a download or an export
 * @param expired      true once {@code validUntil} is past
 * @param expiringSoon true from {@code civis.reminders.soon-days} before {@code validUntil} until it is past: the
 *                     badge « expire bientôt » and the first reminder (docs/adr/0022-expiry-reminders.md)
 */
public record Document(
        UUID id,
        String type,
        String title,
        String filename,
        String contentType,
        long size,
        String sha256,
        Instant createdAt,
        Instant updatedAt,
        LocalDate validUntil,
        boolean expired,
        boolean expiringSoon) {
}
