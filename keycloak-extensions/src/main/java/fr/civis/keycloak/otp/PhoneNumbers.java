package fr.civis.keycloak.otp;

import java.util.Map;
import java.util.Optional;

/**
 * Mobile numbers as people type them in France, normalised to E.164 ({@code +33612345678}) so that one phone is
 * always the same string. National numbers ({@code 06 12 34 56 78}) are read as French, with the overseas mobile
 * ranges (Réunion, Guadeloupe, Martinique, Guyane, Mayotte) sent to their own country codes; international numbers
 * ({@code +…} or {@code 00…}) are accepted as E.164 when their length is plausible. Only mobiles can receive a code
 * by SMS, so French landlines are refused.
 */
final class PhoneNumbers {

    /** National prefixes of overseas mobiles (after the leading 0) and their country codes. */
    private static final Map<String, String> OVERSEAS = Map.of(
            "639", "262", "692", "262", "693", "262",
            "690", "590", "691", "590",
            "694", "594",
            "696", "596", "697", "596");

    private PhoneNumbers() {
    }

    static Optional<String> normalise(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String compact = typed.strip().replaceAll("[\\s.\\-()\\u00a0]", "");
        if (compact.startsWith("00")) {
            compact = "+" + compact.substring(2);
        }
        if (compact.matches("0[67][0-9]{8}")) {
            String overseas = OVERSEAS.get(compact.substring(1, 4));
            return Optional.of("+" + (overseas == null ? "33" : overseas) + compact.substring(1));
        }
        if (compact.startsWith("+33")) {
            // Metropolitan mobiles only; "+33 (0)6…" is a common way to write them.
            String national = compact.substring(3).replaceFirst("^0", "");
            return national.matches("[67][0-9]{8}") ? Optional.of("+33" + national) : Optional.empty();
        }
        return compact.matches("\\+[1-9][0-9]{7,14}") ? Optional.of(compact) : Optional.empty();
    }

    /** What a page may show of a number: country code and last two digits. */
    static String masked(String e164) {
        int visible = e164.startsWith("+33") ? 3 : Math.min(4, e164.length() - 2);
        return e164.substring(0, visible) + "•".repeat(Math.max(0, e164.length() - visible - 2))
                + e164.substring(e164.length() - 2);
    }
}
