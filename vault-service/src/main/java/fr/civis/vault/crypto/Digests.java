package fr.civis.vault.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The plaintext checksum kept with every document and given in every export's manifest. */
public final class Digests {

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
