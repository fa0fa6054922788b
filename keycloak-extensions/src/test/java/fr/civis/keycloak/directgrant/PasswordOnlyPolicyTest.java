package fr.civis.keycloak.directgrant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class PasswordOnlyPolicyTest {

    @Test
    void anAccountWithOnlyItsPasswordAndItsHistoryMayUseItAlone() {
        assertThat(PasswordOnlyPolicy.allows(false, Stream.of("password"))).isTrue();
        assertThat(PasswordOnlyPolicy.allows(false, Stream.of("password", "password-history"))).isTrue();
    }

    @Test
    void everyOtherCredentialIsASecondFactor() {
        for (String factor : new String[] {"otp", "civis-sms", "webauthn", "webauthn-passwordless",
                "recovery-authn-codes", "some-factor-added-later"}) {
            assertThat(PasswordOnlyPolicy.allows(false, Stream.of("password", factor))).as(factor).isFalse();
        }
    }

    @Test
    void staffAreRefusedEvenBeforeTheyEnrolAFactor() {
        assertThat(PasswordOnlyPolicy.allows(true, Stream.of("password"))).isFalse();
        assertThat(PasswordOnlyPolicy.allows(true, Stream.of())).isFalse();
    }
}
