package fr.civis.vault.crypto;

import java.util.Objects;
import java.util.UUID;

/**
 * Which document a key or a ciphertext belongs to: its owner and its id (the database row).
 *
 * @param owner      the citizen who owns the document
 * @param documentId the document's id
 */
public record DocumentRef(Owner owner, UUID documentId) {

    public DocumentRef {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(documentId, "documentId");
    }
}
