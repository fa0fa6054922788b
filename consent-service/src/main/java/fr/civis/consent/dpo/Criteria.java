package fr.civis.consent.dpo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;

import fr.civis.common.CityTime;
import fr.civis.common.problem.ProblemException;

/**
 * What the DPO searches the journal's consents and accesses by. Every field is optional; a value that is not what it
 * should be is a 400 {@code dpo-search-invalid}, never a query.
 *
 * @param recipient    the service (its client id)
 * @param purpose      the purpose's code
 * @param documentType a document type the consent covers
 * @param from         first day of the period (Europe/Paris), included
 * @param to           last day of the period, included
 * @param outcome      {@code allowed} (grants, accesses), {@code denied} (denials, refusals), {@code ended}
 *                     (revocations, endings)
 * @param before       only entries before this one (the next page)
 */
record Criteria(String recipient, String purpose, String documentType, Instant from, Instant to, String outcome,
        Long before) {

    /** The kinds of entry the console's search covers, by outcome. */
    static final Map<String, List<String>> OUTCOMES = Map.of(
            "allowed", List.of("grant", "access"),
            "denied", List.of("denial", "refusal"),
            "ended", List.of("revocation", "ending"));
    static final List<String> KINDS = OUTCOMES.values().stream().flatMap(List::stream).toList();

    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    static Criteria of(String recipient, String purpose, String documentType, String from, String to, String outcome,
            Long before) {
        Instant start = day(from, false);
        Instant end = day(to, true);
        if (start != null && end != null && !end.isAfter(start)) {
            throw invalid();
        }
        if (outcome != null && !outcome.isBlank() && !OUTCOMES.containsKey(outcome)) {
            throw invalid();
        }
        if (before != null && before < 1) {
            throw invalid();
        }
        return new Criteria(code(recipient), code(purpose), code(documentType), start, end, blank(outcome) ? null : outcome,
                before);
    }

    List<String> kinds() {
        return outcome == null ? KINDS : OUTCOMES.get(outcome);
    }

    private static String code(String value) {
        if (blank(value)) {
            return null;
        }
        if (!CODE.matcher(value).matches()) {
            throw invalid();
        }
        return value;
    }

    private static Instant day(String value, boolean endOfDay) {
        if (blank(value)) {
            return null;
        }
        try {
            LocalDate date = LocalDate.parse(value);
            return (endOfDay ? date.plusDays(1) : date).atStartOfDay(CityTime.ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid();
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static ProblemException invalid() {
        return new ProblemException(HttpStatus.BAD_REQUEST, "dpo-search-invalid");
    }
}
