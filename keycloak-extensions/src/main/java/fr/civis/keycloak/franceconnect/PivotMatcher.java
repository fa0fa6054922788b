package fr.civis.keycloak.franceconnect;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * Does a certified pivot identity designate the person of an account created at the counter? Names are compared
 * normalised (case, accents, hyphens and apostrophes), given names by the first one only (the counter often keeps
 * one), the birth date exactly, and the place of birth by the INSEE rule: the town for people born in France, the
 * country for people born abroad (whose town FranceConnect leaves empty).
 */
final class PivotMatcher {

    static final String FRANCE = "99100";

    record Pivot(String givenNames, String familyName, String birthdate, String birthplace, String birthcountry) {

        static Pivot of(Map<String, String> attributes) {
            return new Pivot(attributes.get(PivotIdentity.GIVEN_NAMES), attributes.get(PivotIdentity.FAMILY_NAME),
                    attributes.get(PivotIdentity.BIRTHDATE), attributes.get(PivotIdentity.BIRTHPLACE),
                    attributes.get(PivotIdentity.BIRTHCOUNTRY));
        }
    }

    private PivotMatcher() {
    }

    static boolean matches(Pivot certified, Pivot counter) {
        if (certified.birthdate() == null || !certified.birthdate().equals(counter.birthdate())) {
            return false;
        }
        String family = normalise(certified.familyName());
        String firstGiven = firstWord(normalise(certified.givenNames()));
        if (family.isEmpty() || firstGiven.isEmpty() || !family.equals(normalise(counter.familyName()))
                || !firstGiven.equals(firstWord(normalise(counter.givenNames())))) {
            return false;
        }
        String country = certified.birthcountry();
        if (country == null || !country.equals(counter.birthcountry())) {
            return false;
        }
        return !FRANCE.equals(country) || (certified.birthplace() != null && !certified.birthplace().isEmpty()
                && certified.birthplace().equals(counter.birthplace()));
    }

    /** "Éléonore-Marie  d'Arc" → "ELEONORE MARIE D ARC". */
    static String normalise(String name) {
        if (name == null) {
            return "";
        }
        String withoutAccents = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return withoutAccents.toUpperCase(Locale.ROOT).replaceAll("[-'’.]", " ").replaceAll("\\s+", " ").strip();
    }

    private static String firstWord(String normalised) {
        int space = normalised.indexOf(' ');
        return space < 0 ? normalised : normalised.substring(0, space);
    }
}
