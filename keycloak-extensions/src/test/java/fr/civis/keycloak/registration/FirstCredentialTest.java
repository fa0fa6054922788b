package fr.civis.keycloak.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FirstCredentialTest {

    private static final List<String> NONE = List.of();

    @Test
    void anAccountWithNoWayInMustChoose() {
        assertThat(FirstCredential.choiceNeeded(NONE, () -> false, false)).isTrue();
        // A second factor alone opens nothing on the login page.
        assertThat(FirstCredential.choiceNeeded(List.of("otp", "webauthn", "civis-sms", "recovery-authn-codes"),
                () -> false, false)).isTrue();
    }

    @Test
    void aPasswordOrAPasskeyIsAlreadyAWayIn() {
        assertThat(FirstCredential.choiceNeeded(List.of("password"), () -> false, false)).isFalse();
        assertThat(FirstCredential.choiceNeeded(List.of("webauthn-passwordless"), () -> false, false)).isFalse();
        assertThat(FirstCredential.choiceNeeded(List.of("otp", "webauthn-passwordless"), () -> false, false)).isFalse();
    }

    @Test
    void federatedAccountsAndAChoiceAlreadyMadeAreLeftAlone() {
        // FranceConnect accounts have no credential of their own, on purpose.
        assertThat(FirstCredential.choiceNeeded(NONE, () -> true, false)).isFalse();
        // The chosen action is running: asking again would loop.
        assertThat(FirstCredential.choiceNeeded(NONE, () -> false, true)).isFalse();
    }

    @Test
    void theFederationIsNotLookedUpForAnAccountWithAPassword() {
        assertThat(FirstCredential.choiceNeeded(List.of("password"), () -> {
            throw new AssertionError("federation looked up");
        }, false)).isFalse();
    }

    @Test
    void theChoiceLeavesExactlyOneActionOnTheAccount() {
        assertThat(FirstCredential.ofChoice("passkey")).hasValue(FirstCredential.PASSKEY);
        assertThat(FirstCredential.PASSKEY.requiredAction()).isEqualTo("webauthn-register-passwordless");
        assertThat(FirstCredential.PASSKEY.withdrawn()).containsExactly("UPDATE_PASSWORD");
        assertThat(FirstCredential.ofChoice("password")).hasValue(FirstCredential.PASSWORD);
        assertThat(FirstCredential.PASSWORD.requiredAction()).isEqualTo("UPDATE_PASSWORD");
        assertThat(FirstCredential.PASSWORD.withdrawn()).containsExactly("webauthn-register-passwordless");
    }

    @Test
    void onlySwitchedOnActionsAreOffered() {
        assertThat(FirstCredential.offered(alias -> true))
                .containsExactly(FirstCredential.PASSWORD, FirstCredential.PASSKEY);
        assertThat(FirstCredential.offered(Set.of("UPDATE_PASSWORD")::contains)).containsExactly(FirstCredential.PASSWORD);
        assertThat(FirstCredential.offered(Set.of("webauthn-register-passwordless")::contains))
                .containsExactly(FirstCredential.PASSKEY);
        assertThat(FirstCredential.offered(alias -> false)).isEmpty();
    }

    @Test
    void anythingElseNamesNothing() {
        assertThat(FirstCredential.ofChoice(null)).isEmpty();
        assertThat(FirstCredential.ofChoice("")).isEmpty();
        assertThat(FirstCredential.ofChoice("Passkey")).isEmpty();
        assertThat(FirstCredential.ofChoice(" password")).isEmpty();
        // The required actions' own aliases are not choices: the page never posts them.
        assertThat(FirstCredential.ofChoice("UPDATE_PASSWORD")).isEmpty();
        assertThat(FirstCredential.ofChoice("webauthn-register-passwordless")).isEmpty();
    }
}
