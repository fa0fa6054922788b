package fr.civis.keycloak.otp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaffFactorTest {

    @Test
    void eachOfferedValueNamesItsEnrolment() {
        assertThat(StaffFactor.ofChoice("app")).hasValue(StaffFactor.APP);
        assertThat(StaffFactor.APP.requiredAction()).isEqualTo("CONFIGURE_TOTP");
        assertThat(StaffFactor.ofChoice("key")).hasValue(StaffFactor.KEY);
        assertThat(StaffFactor.KEY.requiredAction()).isEqualTo("webauthn-register");
        assertThat(StaffFactor.ofChoice("sms")).hasValue(StaffFactor.SMS);
        assertThat(StaffFactor.SMS.requiredAction()).isEqualTo("civis-phone-number");
    }

    @Test
    void theEmailCodeIsNeverAChoice() {
        assertThat(StaffFactor.ofChoice("email")).isEmpty();
        assertThat(StaffFactor.values()).extracting(StaffFactor::requiredAction)
                .doesNotContain("civis-email-otp", "VERIFY_EMAIL", "UPDATE_EMAIL");
    }

    @Test
    void anythingElseNamesNothing() {
        assertThat(StaffFactor.ofChoice(null)).isEmpty();
        assertThat(StaffFactor.ofChoice("")).isEmpty();
        assertThat(StaffFactor.ofChoice("APP")).isEmpty();
        assertThat(StaffFactor.ofChoice(" sms")).isEmpty();
        // The required actions' own aliases are not choices: the page never posts them.
        assertThat(StaffFactor.ofChoice("CONFIGURE_TOTP")).isEmpty();
        assertThat(StaffFactor.ofChoice("webauthn-register-passwordless")).isEmpty();
        assertThat(StaffFactor.ofChoice("CONFIGURE_RECOVERY_AUTHN_CODES")).isEmpty();
    }
}
