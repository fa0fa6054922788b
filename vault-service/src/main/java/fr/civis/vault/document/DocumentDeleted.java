package fr.civis.vault.document;

import java.util.UUID;

import fr.civis.vault.citizen.Owner;

/**
 * A document is gone, published inside the deletion's transaction: a listener that writes in the same database
 * commits with the deletion or not at all.
 *
 * @param documentId null when every document of the owner went at once (the end of a safe's closure)
 */
public record DocumentDeleted(Owner owner, UUID documentId) {
}
