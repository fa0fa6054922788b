package fr.civis.keycloak.otp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    @Test
    void frenchMobilesAsPeopleWriteThem() {
        assertThat(PhoneNumbers.normalise("06 12 34 56 78")).hasValue("+33612345678");
        assertThat(PhoneNumbers.normalise("07.12.34.56.78")).hasValue("+33712345678");
        assertThat(PhoneNumbers.normalise("+33 6 12 34 56 78")).hasValue("+33612345678");
        assertThat(PhoneNumbers.normalise("+33 (0)6 12 34 56 78")).hasValue("+33612345678");
        assertThat(PhoneNumbers.normalise("0033612345678")).hasValue("+33612345678");
    }

    @Test
    void overseasMobilesGetTheirOwnCountryCode() {
        assertThat(PhoneNumbers.normalise("0692 12 34 56")).hasValue("+262692123456");
        assertThat(PhoneNumbers.normalise("0690 12 34 56")).hasValue("+590690123456");
        assertThat(PhoneNumbers.normalise("0696 12 34 56")).hasValue("+596696123456");
    }

    @Test
    void internationalNumbersAreKeptAsE164() {
        assertThat(PhoneNumbers.normalise("+32 470 12 34 56")).hasValue("+32470123456");
    }

    @Test
    void landlinesAndNonsenseAreRefused() {
        assertThat(PhoneNumbers.normalise("01 23 45 67 89")).isEmpty();
        assertThat(PhoneNumbers.normalise("+33 1 23 45 67 89")).isEmpty();
        assertThat(PhoneNumbers.normalise("06 12 34")).isEmpty();
        assertThat(PhoneNumbers.normalise("appelez-moi")).isEmpty();
        assertThat(PhoneNumbers.normalise("+0612345678")).isEmpty();
        assertThat(PhoneNumbers.normalise(null)).isEmpty();
    }

    @Test
    void maskShowsOnlyCountryAndLastTwoDigits() {
        assertThat(PhoneNumbers.masked("+33612345678")).isEqualTo("+33•••••••78");
    }
}
