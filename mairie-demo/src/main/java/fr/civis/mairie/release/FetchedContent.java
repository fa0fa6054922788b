package fr.civis.mairie.release;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * What came over the wire for one document: how many bytes, their SHA-256 as computed here, and the digest the vault
 * announced in {@code Repr-Digest}. The content itself is not kept: this demo only proves it got the right bytes.
 *
 * @param size      bytes received
 * @param computed  SHA-256 of those bytes
 * @param announced the {@code sha-256} of the {@code Repr-Digest} header, empty when absent or unreadable
 */
public record FetchedContent(long size, ReprDigest computed, Optional<ReprDigest> announced) {

    /** Reads the stream to its end (at most {@code maxBytes}), hashing as it goes, in constant memory. */
    public static FetchedContent read(InputStream body, String reprDigestHeader, long maxBytes) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int read; (read = body.read(buffer)) != -1; ) {
            size += read;
            if (size > maxBytes) {
                throw new IOException("document larger than " + maxBytes + " bytes");
            }
            sha256.update(buffer, 0, read);
        }
        return new FetchedContent(size, ReprDigest.of(sha256), ReprDigest.parse(reprDigestHeader));
    }

    /** The bytes are those the vault meant to send: it announced a SHA-256 and it is the one computed here. */
    public boolean verified() {
        return announced.map(computed::matches).orElse(false);
    }

    /** Also agrees with the digest listed in the release (the one the consent-service journal holds). */
    public boolean matchesListed(String listedDigest) {
        return ReprDigest.parse(listedDigest).map(computed::matches).orElse(false);
    }
}
