package fr.civis.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The day turns at midnight in Paris, winter (UTC+1) and summer (UTC+2), whatever zone the server's clock is in. */
class CityTimeTest {

    @Test
    void theDayTurnsAtMidnightInParisNotInUtc() {
        assertThat(today("2026-12-04T22:59:59Z")).isEqualTo(LocalDate.parse("2026-12-04"));
        assertThat(today("2026-12-04T23:00:00Z")).isEqualTo(LocalDate.parse("2026-12-05"));
        assertThat(today("2026-07-14T21:59:59Z")).isEqualTo(LocalDate.parse("2026-07-14"));
        assertThat(today("2026-07-14T22:00:00Z")).isEqualTo(LocalDate.parse("2026-07-15"));
    }

    private static LocalDate today(String instant) {
        return CityTime.today(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }
}
