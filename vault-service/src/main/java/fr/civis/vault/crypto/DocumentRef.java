package fr.civis.vault.crypto;

import java.util.Objects;
import java.util.UUID;

/**
 * Which document a key or a ciphertext belongs to: its owner and its id (the database row).
 *
 * @param owner      the subject of the citizen who owns the document: not blank, well-formed Unicode (it is bound
 *                   into the associated data of every ciphertext, so nothing sealed for one owner opens for another)
 * @param documentId the document's id
 */
public record DocumentRef(String owner, UUID documentId) {

    public DocumentRef {
        Keyring.requireSubject(owner);
        Objects.requireNonNull(documentId, "documentId");
    }
}
