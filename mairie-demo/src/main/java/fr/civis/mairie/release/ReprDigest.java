package fr.civis.mairie.release;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SHA-256 of a representation as RFC 9530 writes it: {@code sha-256=:<base64>:}, one member of a structured-field
 * dictionary (RFC 8941) that may name other algorithms too ({@code Repr-Digest: sha-512=:…:, sha-256=:…:}).
 *
 * @param sha256 the 32 bytes of the digest
 */
public record ReprDigest(byte[] sha256) {

    private static final String SHA_256 = "sha-256";

    public ReprDigest {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("A SHA-256 digest has 32 bytes");
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The digest of bytes already hashed with {@code MessageDigest.getInstance("SHA-256")}. */
    public static ReprDigest of(MessageDigest finished) {
        return new ReprDigest(finished.digest());
    }

    /**
     * The {@code sha-256} member of a {@code Repr-Digest} (or {@code Content-Digest}) field value; empty when the field
     * is absent, malformed, or names no SHA-256: a digest we cannot check counts as no digest.
     */
    public static Optional<ReprDigest> parse(String fieldValue) {
        if (fieldValue == null) {
            return Optional.empty();
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (String member : fieldValue.split(",")) {
            int equals = member.indexOf('=');
            if (equals <= 0) {
                return Optional.empty();
            }
            String key = member.substring(0, equals).trim();
            // Parameters (";…") do not change the digest's value.
            String value = member.substring(equals + 1).split(";", 2)[0].trim();
            if (members.putIfAbsent(key, value) != null) {
                return Optional.empty();
            }
        }
        String value = members.get(SHA_256);
        if (value == null || value.length() < 2 || !value.startsWith(":") || !value.endsWith(":")) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
            return bytes.length == 32 ? Optional.of(new ReprDigest(bytes)) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** Whether both name the same bytes (compared in constant time). */
    public boolean matches(ReprDigest other) {
        return other != null && MessageDigest.isEqual(sha256, other.sha256);
    }

    /** As a field value: {@code sha-256=:<base64>:}. */
    public String fieldValue() {
        return SHA_256 + "=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }

    /** Lower-case hexadecimal, for people who compare with {@code sha256sum}. */
    public String hex() {
        StringBuilder hex = new StringBuilder(64);
        for (byte b : sha256) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReprDigest digest && matches(digest);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return fieldValue();
    }
}
