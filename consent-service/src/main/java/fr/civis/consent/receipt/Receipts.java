package fr.civis.consent.receipt;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;

import org.springframework.stereotype.Component;

import fr.civis.consent.journal.CheckpointSigner;

/**
 * Signs and verifies JWS (ES256) with the {@link SigningKeys}: consent receipts (a JSON claims set,
 * {@code typ: consent-receipt+jwt}) and journal checkpoints ({@code typ: journal-checkpoint+jws}).
 */
@Component
public class Receipts implements CheckpointSigner {

    public static final JOSEObjectType RECEIPT_TYPE = new JOSEObjectType("consent-receipt+jwt");
    static final JOSEObjectType CHECKPOINT_TYPE = new JOSEObjectType("journal-checkpoint+jws");
    /** An extract of journal entries a citizen reported to the DPO (docs/adr/0025). */
    static final JOSEObjectType EXTRACT_TYPE = new JOSEObjectType("journal-extract+jws");

    private final SigningKeys keys;
    private final ReceiptProperties settings;

    Receipts(SigningKeys keys, ReceiptProperties settings) {
        this.keys = keys;
        this.settings = settings;
    }

    /** A compact JWS of {@code claims}, signed with the current key. */
    public String sign(Map<String, Object> claims) {
        Map<String, Object> withIssuer = new LinkedHashMap<>();
        withIssuer.put("iss", settings.issuer());
        withIssuer.putAll(claims);
        return sign(new Payload(withIssuer), RECEIPT_TYPE).jws();
    }

    /** The claims of a receipt whose signature verifies with one of our keys (old ones included); empty otherwise. */
    public Optional<Map<String, Object>> verify(String receipt) {
        return verified(receipt, RECEIPT_TYPE).map(JWSObject::getPayload).map(Payload::toJSONObject);
    }

    /** A compact JWS of an extract of journal entries (its claims: the report, the entries and their hashes). */
    public String signExtract(Map<String, Object> claims) {
        Map<String, Object> withIssuer = new LinkedHashMap<>();
        withIssuer.put("iss", settings.issuer());
        withIssuer.putAll(claims);
        return sign(new Payload(withIssuer), EXTRACT_TYPE).jws();
    }

    /** The claims of an extract whose signature verifies with one of our keys; empty otherwise. */
    public Optional<Map<String, Object>> verifyExtract(String extract) {
        return verified(extract, EXTRACT_TYPE).map(JWSObject::getPayload).map(Payload::toJSONObject);
    }

    @Override
    public Signed signCheckpoint(byte[] payload) {
        return sign(new Payload(payload), CHECKPOINT_TYPE);
    }

    @Override
    public Optional<byte[]> verifyCheckpoint(String jws) {
        return verified(jws, CHECKPOINT_TYPE).map(object -> object.getPayload().toBytes());
    }

    private Signed sign(Payload payload, JOSEObjectType type) {
        ECKey key = keys.current();
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(type).build(),
                payload);
        try {
            jws.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return new Signed(key.getKeyID(), jws.serialize());
    }

    private Optional<JWSObject> verified(String compact, JOSEObjectType type) {
        if (compact == null) {
            return Optional.empty();
        }
        try {
            JWSObject jws = JWSObject.parse(compact);
            JWSHeader header = jws.getHeader();
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !type.equals(header.getType())
                    || header.getKeyID() == null) {
                return Optional.empty();
            }
            Optional<ECKey> key = keys.publicKey(header.getKeyID());
            if (key.isEmpty() || !jws.verify(new ECDSAVerifier(key.get()))) {
                return Optional.empty();
            }
            return Optional.of(jws);
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }
}
