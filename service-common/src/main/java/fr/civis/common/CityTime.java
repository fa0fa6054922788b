package fr.civis.common;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The city's time zone: the day a citizen or the DPO reads on a page, in a file name or in an e-mail is the city's,
 * not the server's (which runs in UTC). A document valid until the 4th is expired at midnight in Paris, not an hour
 * later.
 */
public final class CityTime {

    /** For annotations, which take a constant: {@code @Scheduled(cron = …, zone = CityTime.ZONE_ID)}. */
    public static final String ZONE_ID = "Europe/Paris";
    public static final ZoneId ZONE = ZoneId.of(ZONE_ID);

    private CityTime() {
    }

    public static LocalDate today(Clock clock) {
        return LocalDate.ofInstant(clock.instant(), ZONE);
    }
}
