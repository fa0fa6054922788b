package fr.civis.consent.dpo;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Patterns in the journal the DPO should look at, over a period, with the thresholds of {@link AnomalyProperties}:
 * a service reading many citizens' documents in a short time, repeated denials to a service, accesses just before the
 * consent expires, a spike of failed logins or lockouts ({@code security.login-failed}, {@code security.lockout}).
 */
@Service
class Anomalies {

    /**
     * One anomaly: its rule, the service concerned (none for logins), when its window started, and how many events.
     */
    record Anomaly(String rule, String recipient, Instant windowStart, long count) {
    }

    private final JdbcClient jdbc;
    private final AnomalyProperties settings;

    Anomalies(JdbcClient jdbc, AnomalyProperties settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    AnomalyProperties settings() {
        return settings;
    }

    List<Anomaly> between(Instant from, Instant to) {
        var start = OffsetDateTime.ofInstant(from, ZoneOffset.UTC);
        var end = OffsetDateTime.ofInstant(to, ZoneOffset.UTC);
        String window = settings.window().toSeconds() + " seconds";
        List<Anomaly> found = new ArrayList<>();
        found.addAll(jdbc.sql("SELECT recipient, date_bin(CAST(:window AS interval), recorded_at, TIMESTAMPTZ '2000-01-01'), "
                + "count(DISTINCT subject) FROM journal_entry WHERE kind = 'access' AND recorded_at >= :from "
                + "AND recorded_at < :to GROUP BY 1, 2 HAVING count(DISTINCT subject) >= :threshold")
                .param("window", window).param("from", start).param("to", end)
                .param("threshold", settings.manyCitizens())
                .query((row, n) -> new Anomaly("many-citizens", row.getString(1), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getLong(3))).list());
        found.addAll(jdbc.sql("SELECT recipient, date_bin(CAST(:window AS interval), recorded_at, TIMESTAMPTZ '2000-01-01'), "
                + "count(*) FROM journal_entry WHERE kind IN ('denial', 'refusal') AND recorded_at >= :from "
                + "AND recorded_at < :to GROUP BY 1, 2 HAVING count(*) >= :threshold")
                .param("window", window).param("from", start).param("to", end)
                .param("threshold", settings.manyDenials())
                .query((row, n) -> new Anomaly("many-denials", row.getString(1), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getLong(3))).list());
        found.addAll(jdbc.sql("SELECT e.recipient, min(e.recorded_at), count(*) FROM journal_entry e "
                + "JOIN consent c ON c.id = e.consent_id WHERE e.kind = 'access' AND e.recorded_at >= :from "
                + "AND e.recorded_at < :to AND c.expires_at - e.recorded_at < CAST(:late AS interval) GROUP BY 1")
                .param("from", start).param("to", end).param("late", settings.lateFetch().toSeconds() + " seconds")
                .query((row, n) -> new Anomaly("late-fetch", row.getString(1), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getLong(3))).list());
        found.addAll(jdbc.sql("SELECT date_bin(CAST(:window AS interval), recorded_at, TIMESTAMPTZ '2000-01-01'), count(*) "
                + "FROM journal_entry WHERE kind IN ('security.login-failed', 'security.lockout') AND recorded_at >= :from "
                + "AND recorded_at < :to GROUP BY 1 HAVING count(*) >= :threshold")
                .param("window", window).param("from", start).param("to", end)
                .param("threshold", settings.failedLogins())
                .query((row, n) -> new Anomaly("failed-logins", null, instant(row.getObject(1, OffsetDateTime.class)),
                        row.getLong(2))).list());
        found.sort(Comparator.comparing(Anomaly::windowStart).reversed());
        return found;
    }

    /** Releases (grants), accesses and denials per day and service: the console's chart. */
    record DayFigures(String day, String recipient, long grants, long accesses, long denials) {
    }

    List<DayFigures> figures(Instant from, Instant to, String recipient) {
        return jdbc.sql("SELECT to_char(recorded_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'), recipient, "
                + "count(*) FILTER (WHERE kind = 'grant'), count(*) FILTER (WHERE kind = 'access'), "
                + "count(*) FILTER (WHERE kind IN ('denial', 'refusal')) FROM journal_entry "
                + "WHERE kind IN ('grant', 'access', 'denial', 'refusal') AND recorded_at >= :from AND recorded_at < :to "
                + "AND recipient IS NOT NULL" + (recipient == null ? "" : " AND recipient = :recipient")
                + " GROUP BY 1, 2 ORDER BY 1, 2")
                .params(recipient == null
                        ? java.util.Map.of("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
                                "to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                        : java.util.Map.of("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
                                "to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC), "recipient", recipient))
                .query((row, n) -> new DayFigures(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
                        row.getLong(5))).list();
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
