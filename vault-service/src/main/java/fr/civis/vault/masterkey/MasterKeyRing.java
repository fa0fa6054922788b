package fr.civis.vault.masterkey;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

import fr.civis.vault.crypto.KeyProvider;
import fr.civis.vault.crypto.KeyProviderUnavailableException;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.MasterKeySources.Store;
import fr.civis.vault.crypto.MasterKeys;

/**
 * The master keys in use, as the database names them (table {@code master_key}): the current one, which seals new
 * and rewrapped citizen keys, and the previous ones, which still open the citizen keys a rotation has not reached
 * yet. Every instance reads the table at start (and refuses to start if a key in use does not open), again every
 * few seconds, and at once when a citizen key names a key in use that it does not hold yet: a rotation started on another
 * instance takes effect here within that delay.
 */
public class MasterKeyRing implements MasterKeys {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyRing.class);

    record Entry(String id, Store store, String state) {
    }

    private record State(KeyProvider current, Map<String, KeyProvider> open) {
    }

    private final JdbcClient jdbc;
    private final MasterKeySources sources;
    private volatile State state;

    MasterKeyRing(JdbcClient jdbc, MasterKeySources sources) {
        this.jdbc = jdbc;
        this.sources = sources;
    }

    /**
     * On a database without master keys, records the first one ({@code civis.keys.alias} in {@code store},
     * creating the development key store if needed); then opens every key in use.
     *
     * @throws MasterKeyUnavailableException if one of them does not open: the service must not start
     */
    void start(String firstKeyId, Store firstStore) {
        List<Entry> keys = entries();
        try {
            if (keys.isEmpty()) {
                sources.openOrCreateFirst(firstStore, firstKeyId);
                jdbc.sql("""
                        INSERT INTO master_key (id, store, state) VALUES (:id, :store, 'current') ON CONFLICT DO NOTHING
                        """).param("id", firstKeyId).param("store", firstStore.code()).update();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new MasterKeyUnavailableException(firstKeyId, firstStore, e);
        }
        for (Entry entry : entries()) {
            if (!sources.has(entry.store())) {
                throw new MasterKeyUnavailableException(entry.id(), entry.store(),
                        new IllegalStateException("the database names this key but its store is not configured"));
            }
        }
        try {
            refresh();
        } catch (OpenFailure failure) {
            throw new MasterKeyUnavailableException(failure.entry.id(), failure.entry.store(), failure.getCause());
        }
    }

    @Override
    public KeyProvider current() {
        return state.current();
    }

    @Override
    public KeyProvider find(String keyId) throws GeneralSecurityException {
        KeyProvider key = state.open().get(keyId);
        if (key != null || !inUse(keyId)) {
            return key;
        }
        try {
            refresh();
        } catch (OpenFailure failure) {
            throw failure.getCause() instanceof GeneralSecurityException security ? security
                    : new KeyProviderUnavailableException("the master key '" + failure.entry.id() + "' did not open",
                            failure.getCause());
        }
        return state.open().get(keyId);
    }

    /** Whether the table names {@code keyId} as a key in use: only then is a miss worth a refresh. */
    private boolean inUse(String keyId) {
        return jdbc.sql("SELECT count(*) FROM master_key WHERE id = :id AND state <> 'retired'")
                .param("id", keyId).query(Long.class).single() > 0;
    }

    /** Which key is current, and the others in use; keys open lazily, so this never touches a device. */
    String currentId() {
        return state.current().keyId();
    }

    @Scheduled(fixedDelayString = "${civis.keys.refresh-interval:10s}", initialDelayString = "${civis.keys.refresh-interval:10s}")
    void refreshQuietly() {
        try {
            refresh();
        } catch (OpenFailure failure) {
            log.warn("Master key '{}' ({}) did not open; keeping the keys already open: {}", failure.entry.id(),
                    failure.entry.store().code(), failure.getCause().toString());
        }
    }

    /** Reads the table and opens the keys not yet open; retired keys are dropped. */
    synchronized void refresh() throws OpenFailure {
        Map<String, KeyProvider> previous = state == null ? Map.of() : state.open();
        Map<String, KeyProvider> open = new HashMap<>();
        KeyProvider current = null;
        for (Entry entry : entries()) {
            if ("retired".equals(entry.state())) {
                continue;
            }
            KeyProvider key = previous.get(entry.id());
            if (key == null) {
                try {
                    key = sources.open(entry.store(), entry.id());
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    throw new OpenFailure(entry, e);
                }
                log.info("Master key '{}' ({}) open, {}", entry.id(), entry.store().code(), entry.state());
            }
            open.put(entry.id(), key);
            if ("current".equals(entry.state())) {
                current = key;
            }
        }
        if (current == null) {
            throw new IllegalStateException("the master_key table names no current key");
        }
        state = new State(current, Map.copyOf(open));
    }

    List<Entry> entries() {
        return jdbc.sql("SELECT id, store, state FROM master_key ORDER BY created_at, id")
                .query((row, n) -> new Entry(row.getString(1), Store.of(row.getString(2)), row.getString(3)))
                .list();
    }

    /** A key in use that did not open. */
    static final class OpenFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Entry entry;

        OpenFailure(Entry entry, Exception cause) {
            super(cause.getMessage(), cause);
            this.entry = entry;
        }
    }
}
