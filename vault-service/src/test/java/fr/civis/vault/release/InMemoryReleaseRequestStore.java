package fr.civis.vault.release;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The store's semantics (single use, expiry) without a database, for slice tests. */
final class InMemoryReleaseRequestStore extends ReleaseRequestStore {

    private final Map<String, Stored> requests = new ConcurrentHashMap<>();
    private final Map<String, String> claimedBy = new ConcurrentHashMap<>();

    InMemoryReleaseRequestStore() {
        super(null);
    }

    @Override
    void insert(byte[] handleHash, Stored request) {
        requests.put(HexFormat.of().formatHex(handleHash), request);
    }

    @Override
    Optional<Stored> find(byte[] handleHash) {
        return Optional.ofNullable(requests.get(HexFormat.of().formatHex(handleHash)));
    }

    @Override
    synchronized boolean claim(byte[] handleHash, String subject, Instant now) {
        String key = HexFormat.of().formatHex(handleHash);
        Stored request = requests.get(key);
        if (request == null || request.consumedAt() != null || !request.expiresAt().isAfter(now)) {
            return false;
        }
        requests.put(key, with(request, now));
        claimedBy.put(key, subject);
        return true;
    }

    @Override
    synchronized void release(byte[] handleHash, String subject) {
        String key = HexFormat.of().formatHex(handleHash);
        if (subject.equals(claimedBy.remove(key))) {
            requests.put(key, with(requests.get(key), null));
        }
    }

    @Override
    int purgeExpired(Instant before) {
        return 0;
    }

    int size() {
        return requests.size();
    }

    private static Stored with(Stored r, Instant consumedAt) {
        return new Stored(r.recipient(), r.purpose(), r.documentTypes(), r.duration(), r.returnUri(), r.state(),
                r.createdAt(), r.expiresAt(), consumedAt);
    }
}
