package fr.civis.consent.dpo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import fr.civis.consent.receipt.ReceiptProperties;

/**
 * The pseudonym under which the console shows a citizen: HMAC-SHA256 of their {@code sub} under a key derived from the
 * service's secret, cut to 80 bits. Stable (the same citizen is the same pseudonym in every search and export), not
 * reversible without the secret, and nothing is stored: the console reveals an identity only from a journal entry,
 * with a reason (see {@link DpoConsole#reveal}).
 */
@Component
public class Pseudonyms {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] LABEL = "civis-dpo-pseudonym/1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    Pseudonyms(ReceiptProperties secret) {
        // A key of its own, derived from the service's secret, so that a pseudonym says nothing about other uses of it.
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(secret.wrappingKey().getBytes(StandardCharsets.UTF_8),
                ALGORITHM), LABEL), ALGORITHM);
    }

    public String of(String subject) {
        if (subject == null) {
            return null;
        }
        byte[] mac = hmac(key, subject.getBytes(StandardCharsets.UTF_8));
        return "P-" + HexFormat.of().formatHex(Arrays.copyOf(mac, 10));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java platform", e);
        }
    }
}
