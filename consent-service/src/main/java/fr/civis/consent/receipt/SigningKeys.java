package fr.civis.consent.receipt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ES256 keys that sign receipts and journal checkpoints, kept in the database (private parts wrapped, see
 * {@link KeyWrapping}) so that every instance signs with the same keys and publishes the same JWKS. Keys are never
 * deleted: a receipt signed years ago still verifies. The signing key is the newest one whose publication delay has
 * passed; {@link #rotate()} adds a new one.
 */
@Component
public class SigningKeys {

    /** Advisory lock taken while creating a key, so that two instances starting together create one. */
    private static final long KEY_LOCK = 0x6369766973216b79L;

    record StoredKey(String kid, Instant createdAt, Instant notBefore, ECKey publicKey, byte[] wrapped) {
    }

    private record Snapshot(List<StoredKey> keys, Instant readAt) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KeyWrapping wrapping;
    private final ReceiptProperties settings;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile ECKey signingKey;

    SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, ReceiptProperties settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.wrapping = new KeyWrapping(settings.wrappingKey());
        this.settings = settings;
        this.clock = clock;
    }

    /** The key that signs now, with its private part. Creates the very first key when there is none. */
    public ECKey current() {
        Instant now = clock.instant();
        List<StoredKey> keys = keys(false);
        if (keys.isEmpty()) {
            create(Instant.EPOCH);
            keys = keys(true);
        }
        StoredKey usable = keys.stream().filter(key -> !key.notBefore().isAfter(now))
                .max(Comparator.comparing(StoredKey::notBefore).thenComparing(StoredKey::createdAt))
                .orElseGet(() -> keys(true).stream().min(Comparator.comparing(StoredKey::notBefore)).orElseThrow());
        ECKey cached = signingKey;
        if (cached != null && cached.getKeyID().equals(usable.kid())) {
            return cached;
        }
        try {
            byte[] json = wrapping.unwrap(usable.wrapped(), usable.kid());
            ECKey key = ECKey.parse(new String(json, StandardCharsets.UTF_8));
            signingKey = key;
            return key;
        } catch (GeneralSecurityException | ParseException e) {
            throw new IllegalStateException("the signing key " + usable.kid() + " could not be unwrapped "
                    + "(wrong civis.receipts.wrapping-key?)", e);
        }
    }

    /** Every public key ever used or about to be, newest first: what {@code /.well-known/jwks.json} publishes. */
    public JWKSet publicKeys() {
        return new JWKSet(keys(false).stream().sorted(Comparator.comparing(StoredKey::createdAt).reversed())
                .<com.nimbusds.jose.jwk.JWK>map(StoredKey::publicKey).toList());
    }

    /** The public key {@code kid}, reading the database again when this instance does not know it yet. */
    public Optional<ECKey> publicKey(String kid) {
        Optional<ECKey> known = find(keys(false), kid);
        return known.isPresent() ? known : find(keys(true), kid);
    }

    /** Adds a new key, published now and used once {@code civis.receipts.publication-delay} has passed. */
    public ECKey rotate() {
        ECKey created = create(clock.instant().plus(settings.publicationDelay()));
        keys(true);
        return created;
    }

    private static Optional<ECKey> find(List<StoredKey> keys, String kid) {
        return keys.stream().filter(key -> key.kid().equals(kid)).map(StoredKey::publicKey).findFirst();
    }

    private List<StoredKey> keys(boolean fresh) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (!fresh && current != null && current.readAt().plus(settings.cacheTtl()).isAfter(now)) {
            return current.keys();
        }
        List<StoredKey> keys = jdbc.sql("SELECT kid, created_at, not_before, public_jwk, private_wrapped FROM signing_key")
                .query((row, n) -> {
                    try {
                        return new StoredKey(row.getString(1), row.getObject(2, OffsetDateTime.class).toInstant(),
                                row.getObject(3, OffsetDateTime.class).toInstant(), ECKey.parse(row.getString(4)),
                                row.getBytes(5));
                    } catch (ParseException e) {
                        throw new SQLException("signing key " + row.getString(1) + " is not a JWK", e);
                    }
                }).list();
        snapshot = new Snapshot(List.copyOf(keys), now);
        return keys;
    }

    private ECKey create(Instant notBefore) {
        return transactions.execute(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(KEY_LOCK).query().singleRow();
            if (Instant.EPOCH.equals(notBefore)) {
                // The first key: another instance may have made it while we waited for the lock.
                Integer count = jdbc.sql("SELECT count(*) FROM signing_key").query(Integer.class).single();
                if (count > 0) {
                    return null;
                }
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            String kid = "civis-receipt-" + now.toString().substring(0, 10) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            try {
                ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).generate();
                byte[] wrapped = wrapping.wrap(key.toJSONString().getBytes(StandardCharsets.UTF_8), kid);
                jdbc.sql("INSERT INTO signing_key (kid, created_at, not_before, public_jwk, private_wrapped) "
                                + "VALUES (?, ?, ?, ?, ?)")
                        .params(kid, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                                OffsetDateTime.ofInstant(Instant.EPOCH.equals(notBefore) ? now : notBefore,
                                        ZoneOffset.UTC),
                                key.toPublicJWK().toJSONString(), wrapped)
                        .update();
                return key.toPublicJWK();
            } catch (JOSEException | GeneralSecurityException e) {
                throw new IllegalStateException("could not create a signing key", e);
            }
        });
    }
}
