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
        String clean = title == null ? "" : Normalizer.normalize(title, Normalizer.Form.NFC).strip();
        if (clean.isEmpty() || clean.codePointCount(0, clean.length()) > MAX_LENGTH || INVISIBLE.matcher(clean).find()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-title");
        }
        return clean;
    }
}
