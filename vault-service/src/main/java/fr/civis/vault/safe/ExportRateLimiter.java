package fr.civis.vault.safe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Export is free and unlimited for a person; only a flood is refused: at most {@code civis.export.max-per-hour}
 * exports per citizen in any hour, counted by this instance (each instance of a scaled-out vault counts its own).
 */
@Component
class ExportRateLimiter {

    private static final Duration WINDOW = Duration.ofHours(1);

    private final int maxPerHour;
    private final Clock clock;
    private final Map<String, Deque<Instant>> recent = new ConcurrentHashMap<>();

    ExportRateLimiter(@Value("${civis.export.max-per-hour:10}") int maxPerHour, Clock clock) {
        this.maxPerHour = maxPerHour;
        this.clock = clock;
    }

    /** Records an export; false when the citizen already had their fill this hour. */
    boolean tryAcquire(String owner) {
        Instant now = clock.instant();
        Deque<Instant> times = recent.computeIfAbsent(owner, key -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(WINDOW))) {
                times.pollFirst();
            }
            if (times.size() >= maxPerHour) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }
}
