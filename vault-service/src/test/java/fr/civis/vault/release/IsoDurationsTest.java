package fr.civis.vault.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class IsoDurationsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void comparesCalendarAndTimeDurationsFromTheSameStart() {
        assertThat(IsoDurations.within(NOW, IsoDurations.parse("P30D").orElseThrow(),
                IsoDurations.parse("P90D").orElseThrow())).isTrue();
        assertThat(IsoDurations.within(NOW, IsoDurations.parse("P90D").orElseThrow(),
                IsoDurations.parse("P90D").orElseThrow())).isTrue();
        assertThat(IsoDurations.within(NOW, IsoDurations.parse("PT2160H").orElseThrow(),
                IsoDurations.parse("P90D").orElseThrow())).isTrue();
        assertThat(IsoDurations.within(NOW, IsoDurations.parse("P3M").orElseThrow(),
                IsoDurations.parse("P89D").orElseThrow())).isFalse();
        assertThat(IsoDurations.parse("P0D")).isEmpty();
        assertThat(IsoDurations.parse("-P1D")).isEmpty();
        assertThat(IsoDurations.parse("P1D ")).isEmpty();
    }

    @Test
    void handlesAre256RandomBitsAndOnlyTheirHashIsKept() {
        String handle = Handles.newHandle();
        assertThat(Handles.wellFormed(handle)).isTrue();
        assertThat(Handles.hash(handle)).hasSize(32);
        assertThat(Handles.newHandle()).isNotEqualTo(handle);
        assertThat(Handles.wellFormed(handle + "x")).isFalse();
    }
}
