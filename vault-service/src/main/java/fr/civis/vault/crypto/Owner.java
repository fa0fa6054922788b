package fr.civis.vault.crypto;

import java.util.Objects;

/**
 * The citizen who owns keys and documents: the {@code sub} claim of their access token.
 *
 * <p>It is bound into the associated data of every ciphertext, so a key or a document sealed for one owner
 * never opens for another.
 *
 * @param subject the token subject, not blank, well-formed Unicode
 */
public record Owner(String subject) {

    public Owner {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("the owner's subject must not be blank");
        }
        AssociatedData.requireWellFormed(subject, "the owner's subject");
    }
}
