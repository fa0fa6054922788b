package fr.civis.mairie.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import fr.civis.mairie.release.PendingReleases.Pending;

class PendingReleasesTest {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final PendingReleases releases = new PendingReleases(Duration.ofMinutes(30));

    @Test
    void theAnswerToARequestOfThisSessionIsTakenOnce() {
        Pending request = releases.issue("inscription-creche", clock);

        assertThat(releases.consume(request.state(), clock)).contains(request);
        assertThat(releases.consume(request.state(), clock)).isEmpty();
    }

    @Test
    void statesAreRandomAndLongEnough() {
        Set<String> states = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Pending request = new PendingReleases(Duration.ofMinutes(1)).issue("inscription-creche", clock);
            assertThat(request.state()).matches("[A-Za-z0-9_-]{43}");
            states.add(request.state());
        }
        assertThat(states).hasSize(100);
    }

    @Test
    void aMissingUnknownOrAlteredStateIsRefused() {
        Pending request = releases.issue("inscription-creche", clock);
        String state = request.state();
        char last = state.charAt(state.length() - 1);

        assertThat(releases.consume(null, clock)).isEmpty();
        assertThat(releases.consume("", clock)).isEmpty();
        assertThat(releases.consume(state.substring(0, state.length() - 1), clock)).isEmpty();
        assertThat(releases.consume(state + "x", clock)).isEmpty();
        assertThat(releases.consume(state.substring(0, state.length() - 1) + (last == 'A' ? 'B' : 'A'), clock)).isEmpty();
        // None of these used the request up.
        assertThat(releases.consume(state, clock)).contains(request);
    }

    @Test
    void aStateOfAnotherSessionIsRefused() {
        Pending theirs = new PendingReleases(Duration.ofMinutes(30)).issue("inscription-creche", clock);
        releases.issue("inscription-creche", clock);

        assertThat(releases.consume(theirs.state(), clock)).isEmpty();
    }

    @Test
    void anExpiredRequestIsRefused() {
        Pending request = releases.issue("inscription-creche", clock);

        assertThat(releases.consume(request.state(), Clock.offset(clock, Duration.ofMinutes(31)))).isEmpty();
    }

    @Test
    void aRequestJustWithinItsLifetimeIsTaken() {
        Pending request = releases.issue("inscription-creche", clock);

        assertThat(releases.consume(request.state(), Clock.offset(clock, Duration.ofMinutes(30)))).contains(request);
    }

    @Test
    void severalTabsAtOnceButNoHoarding() {
        Pending first = releases.issue("inscription-creche", clock);
        Pending second = releases.issue("inscription-creche", clock);
        for (int i = 0; i < PendingReleases.MAX_PENDING; i++) {
            releases.issue("inscription-creche", clock);
        }

        assertThat(releases.size()).isEqualTo(PendingReleases.MAX_PENDING);
        assertThat(releases.consume(first.state(), clock)).isEmpty();
        assertThat(releases.consume(second.state(), clock)).isEmpty();
    }

    @Test
    void aCancelledRequestIsForgotten() {
        Pending request = releases.issue("inscription-creche", clock);
        releases.cancel(request);

        assertThat(releases.consume(request.state(), clock)).isEmpty();
    }

    @Test
    void survivesSessionSerialisation() throws Exception {
        Pending request = releases.issue("inscription-creche", clock);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(releases);
        }
        PendingReleases restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (PendingReleases) in.readObject();
        }

        assertThat(restored.consume(request.state(), clock)).contains(request);
    }
}
