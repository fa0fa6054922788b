package fr.civis.keycloak.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class OutboxTest {

    @Test
    void the_back_off_doubles_up_to_its_ceiling() {
        Duration first = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(60);
        assertThat(Outbox.backoff(0, first, max)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Outbox.backoff(1, first, max)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Outbox.backoff(5, first, max)).isEqualTo(Duration.ofSeconds(32));
        assertThat(Outbox.backoff(6, first, max)).isEqualTo(max);
        assertThat(Outbox.backoff(10_000, first, max)).isEqualTo(max);
    }
}
