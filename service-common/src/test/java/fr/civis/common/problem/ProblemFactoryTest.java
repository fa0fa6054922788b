package fr.civis.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

class ProblemFactoryTest {

    private final ProblemFactory problems = new ProblemFactory();

    @Test
    void aProblemNamesTheValuesInForceInTheCallersLanguage() {
        ProblemException quota = ProblemException.withValues(HttpStatus.CONFLICT, "test-limit", 30, 200);

        ProblemDetail french = problems.create(quota.status(), quota.code(), quota.values(), Locale.FRENCH);
        ProblemDetail english = problems.create(quota.status(), quota.code(), quota.values(), Locale.ENGLISH);

        assertThat(french.getDetail())
                .isEqualTo("Vous avez atteint la limite de 30 Mo ou 200 documents : supprimez ce dont vous n'avez plus besoin.");
        assertThat(english.getDetail()).isEqualTo("You have reached the limit of 30 MB or 200 documents: delete what you no longer need.");
        assertThat(french.getType()).isEqualTo(URI.create("urn:civis:problem:test-limit"));
        assertThat(french.getProperties()).containsEntry("code", "test-limit");
        assertThat(french.getStatus()).isEqualTo(409);
    }

    @Test
    void aProblemWithoutValuesKeepsItsApostrophesAsWritten() {
        ProblemDetail notFound = problems.create(HttpStatus.NOT_FOUND, "not-found", Locale.FRENCH);

        assertThat(notFound.getDetail()).doesNotContain("''").isNotBlank();
    }

    @Test
    void theValuesCannotBeChangedFromOutside() {
        Object[] values = {30, 200};
        ProblemException quota = ProblemException.withValues(HttpStatus.CONFLICT, "test-limit", values);
        values[0] = 1;
        quota.values()[1] = 2;

        assertThat(quota.values()).containsExactly(30, 200);
    }
}
