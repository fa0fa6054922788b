package fr.civis.vault.citizen;

import java.util.Objects;

/**
 * The citizen who owns a safe, its keys and documents: the {@code sub} claim of their access token. Controllers
 * receive it as a parameter ({@link OwnerArgumentResolver}); it is never taken from a request's path or body.
 *
 * <p>Its subject is bound into the associated data of every ciphertext, so a key or a document sealed for one owner
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
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < subject.length()
                    && Character.isLowSurrogate(subject.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the owner's subject is not well-formed Unicode");
            }
        }
    }
}
