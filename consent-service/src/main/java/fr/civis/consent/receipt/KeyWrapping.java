package fr.civis.consent.receipt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps private signing keys for storage: AES-256-GCM under a key derived from the environment's secret
 * (HMAC-SHA-256 of a fixed label, keyed by the secret), with the key id as associated data so that a wrapped key
 * cannot be moved to another row. Format: {@code 0x01 ‖ IV (12) ‖ ciphertext ‖ tag (16)}.
 */
final class KeyWrapping {

    private static final byte FORMAT_V1 = 0x01;
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    KeyWrapping(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] derived = mac.doFinal("civis consent-service signing-key wrapping v1".getBytes(StandardCharsets.US_ASCII));
            this.key = new SecretKeySpec(derived, "AES");
            Arrays.fill(derived, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java platform", e);
        }
    }

    byte[] wrap(byte[] plaintext, String keyId) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext);
        byte[] out = new byte[1 + IV_BYTES + sealed.length];
        out[0] = FORMAT_V1;
        System.arraycopy(iv, 0, out, 1, IV_BYTES);
        System.arraycopy(sealed, 0, out, 1 + IV_BYTES, sealed.length);
        return out;
    }

    byte[] unwrap(byte[] wrapped, String keyId) throws GeneralSecurityException {
        if (wrapped.length < 1 + IV_BYTES + 16 || wrapped[0] != FORMAT_V1) {
            throw new GeneralSecurityException("not a wrapped signing key of format 1");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 1, IV_BYTES));
        cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.length - 1 - IV_BYTES);
    }
}
