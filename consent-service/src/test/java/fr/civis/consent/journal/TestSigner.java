package fr.civis.consent.journal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A checkpoint signer for journal tests (HMAC): the real one, ES256 with the receipt keys, has its own tests. */
public final class TestSigner implements CheckpointSigner {

    private static final byte[] KEY = "journal-test-key-journal-test-key".getBytes();

    @Override
    public Signed signCheckpoint(byte[] payload) {
        return new Signed("test", Base64.getUrlEncoder().encodeToString(payload) + "."
                + Base64.getUrlEncoder().encodeToString(mac(payload)));
    }

    @Override
    public Optional<byte[]> verifyCheckpoint(String jws) {
        String[] parts = jws.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[0]);
        return MessageDigest.isEqual(mac(payload), Base64.getUrlDecoder().decode(parts[1]))
                ? Optional.of(payload) : Optional.empty();
    }

    private static byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
