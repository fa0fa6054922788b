package fr.civis.vault.document;

import java.text.Normalizer;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/** A title is what the citizen reads in the list: 1 to 200 visible characters, nothing invisible. */
final class Titles {

    static final int MAX_LENGTH = 200;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cntrl}\\p{Cf}]");

    private Titles() {
    }

    static String clean(String title) {
        return cleanOr(title, "invalid-title");
    }

    /** What a citizen searches for in their titles: held to the same rules as a title. */
    static String query(String query) {
        return cleanOr(query, "invalid-search");
    }

    private static String cleanOr(String text, String code) {
        String clean = text == null ? "" : Normalizer.normalize(text, Normalizer.Form.NFC).strip();
        if (clean.isEmpty() || clean.codePointCount(0, clean.length()) > MAX_LENGTH || INVISIBLE.matcher(clean).find()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, code);
        }
        return clean;
    }
}
