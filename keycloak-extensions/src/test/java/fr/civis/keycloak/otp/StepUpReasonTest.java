package fr.civis.keycloak.otp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepUpReasonTest {

    @Test
    void onlyTheActsThePortalNamesAreShown() {
        assertThat(StepUpReason.of("export")).contains("export");
        assertThat(StepUpReason.of("revoke")).contains("revoke");
        assertThat(StepUpReason.of((String) null)).isEmpty();
        assertThat(StepUpReason.of("")).isEmpty();
        assertThat(StepUpReason.of("EXPORT")).isEmpty();
        assertThat(StepUpReason.of("export<script>")).isEmpty();
    }
}
