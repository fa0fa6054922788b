package fr.civis.vault.release;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAmount;
import java.util.Optional;

/**
 * ISO 8601 durations as recipients write them: {@code P30D}, {@code P3M}, {@code P1Y}, {@code P2W}, or with a time
 * part ({@code PT12H}, {@code P1DT12H}). Months and years are calendar ones, counted from the moment they start.
 */
final class IsoDurations {

    private IsoDurations() {
    }

    /** The amount, when the text is an ISO 8601 duration of more than nothing. */
    static Optional<TemporalAmount> parse(String text) {
        if (text == null || text.length() > 32) {
            return Optional.empty();
        }
        try {
            Period period = Period.parse(text);
            return period.isNegative() || period.isZero() ? Optional.empty() : Optional.of(period);
        } catch (DateTimeException notAPeriod) {
            try {
                Duration duration = Duration.parse(text);
                return duration.isNegative() || duration.isZero() ? Optional.empty() : Optional.of(duration);
            } catch (DateTimeException notADuration) {
                return Optional.empty();
            }
        }
    }

    /** When something lasting {@code amount} from {@code start} ends. */
    static Instant end(Instant start, TemporalAmount amount) {
        return start.atZone(ZoneOffset.UTC).plus(amount).toInstant();
    }

    /** Whether {@code amount} from {@code start} ends no later than {@code max} from the same start. */
    static boolean within(Instant start, TemporalAmount amount, TemporalAmount max) {
        return !end(start, amount).isAfter(end(start, max));
    }
}
