package fr.civis.keycloak.otp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OneTimeCodesTest {

    private final MutableClock clock = new MutableClock();
    private final MapNotes notes = new MapNotes();
    private final OneTimeCodes codes = new OneTimeCodes(new SecureRandom(), clock,
            new CodeSettings(Duration.ofMinutes(5), Duration.ofSeconds(30)));

    @Test
    void codesAreSixDigitsAndOnlyTheirHashIsKept() {
        String code = issue("step", "user-1");
        assertThat(code).matches("[0-9]{6}");
        assertThat(notes.map.values()).noneMatch(note -> note.contains(code));
    }

    @Test
    void aCodeIsAcceptedOnceOnly() {
        String code = issue("step", "user-1");
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.ACCEPTED);
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.NONE);
    }

    @Test
    void spacesAreForgivenButNothingElse() {
        String code = issue("step", "user-1");
        assertThat(codes.verify(notes, "step", "user-1", code.substring(0, 3) + " " + code.substring(3)))
                .isEqualTo(OneTimeCodes.Check.ACCEPTED);
    }

    @Test
    void fiveWrongTriesKillTheCodeEvenForTheRightDigits() {
        String code = issue("step", "user-1");
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 1; i < OneTimeCodes.MAX_TRIES; i++) {
            assertThat(codes.verify(notes, "step", "user-1", wrong)).isEqualTo(OneTimeCodes.Check.WRONG);
        }
        assertThat(codes.verify(notes, "step", "user-1", wrong)).isEqualTo(OneTimeCodes.Check.DEAD);
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.DEAD);
        assertThat(codes.hasLiveCode(notes, "step")).isFalse();
    }

    @Test
    void anExpiredCodeIsRefused() {
        String code = issue("step", "user-1");
        clock.advance(Duration.ofMinutes(5));
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.EXPIRED);
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.DEAD);
    }

    @Test
    void aCodeIsWorthlessUnderAnotherBindingOrStep() {
        String code = issue("step", "user-1");
        assertThat(codes.verify(notes, "step", "user-2", code)).isEqualTo(OneTimeCodes.Check.WRONG);
        assertThat(codes.verify(notes, "other-step", "user-1", code)).isEqualTo(OneTimeCodes.Check.NONE);
        assertThat(codes.verify(notes, "step", "user-1", code)).isEqualTo(OneTimeCodes.Check.ACCEPTED);
    }

    @Test
    void resendingIsThrottledAndCapped() {
        String first = issue("step", "user-1");
        assertThat(codes.issue(notes, "step", "user-1")).isEqualTo(new OneTimeCodes.Issue.TooSoon(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(codes.issue(notes, "step", "user-1")).isEqualTo(new OneTimeCodes.Issue.TooSoon(1));
        clock.advance(Duration.ofSeconds(1));
        String second = issue("step", "user-1");
        // The new code replaces the old one.
        if (!first.equals(second)) {
            assertThat(codes.verify(notes, "step", "user-1", first)).isEqualTo(OneTimeCodes.Check.WRONG);
        }
        for (int sent = 2; sent < OneTimeCodes.MAX_SENDS; sent++) {
            clock.advance(Duration.ofSeconds(30));
            issue("step", "user-1");
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(codes.issue(notes, "step", "user-1")).isInstanceOf(OneTimeCodes.Issue.TooMany.class);
    }

    @Test
    void settingsOutOfBoundsFallBackToTheDefaults() {
        assertThat(CodeSettings.from(Map.of(CodeSettings.LIFETIME, "3", CodeSettings.RESEND_DELAY, "2")))
                .isEqualTo(new CodeSettings(Duration.ofSeconds(3), Duration.ofSeconds(2)));
        assertThat(CodeSettings.from(Map.of(CodeSettings.LIFETIME, "86400", CodeSettings.RESEND_DELAY, "zero")))
                .isEqualTo(CodeSettings.DEFAULT);
        assertThat(CodeSettings.from(null)).isEqualTo(CodeSettings.DEFAULT);
    }

    private String issue(String step, String binding) {
        OneTimeCodes.Issue issue = codes.issue(notes, step, binding);
        assertThat(issue).isInstanceOf(OneTimeCodes.Issue.Issued.class);
        return ((OneTimeCodes.Issue.Issued) issue).code();
    }

    private static final class MapNotes implements Notes {
        final Map<String, String> map = new HashMap<>();

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public void set(String key, String value) {
            map.put(key, value);
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
