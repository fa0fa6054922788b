package fr.civis.vault.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.consent.ConsentGateway;
import fr.civis.vault.consent.ConsentServiceProperties;
import fr.civis.vault.security.ServiceAccount;
import tools.jackson.databind.json.JsonMapper;

/** consent-service unreachable, stopped or too slow: the vault answers 503, never a release unchecked. */
class ConsentGatewayDownTest {

    private static ConsentGateway gatewayTo(URI url, Duration timeout) throws Exception {
        ServiceAccount account = mock(ServiceAccount.class);
        when(account.accessToken()).thenReturn("token");
        var constructor = ConsentGateway.class.getDeclaredConstructor(ConsentServiceProperties.class,
                ServiceAccount.class, JsonMapper.class);
        constructor.setAccessible(true);
        return constructor.newInstance(new ConsentServiceProperties(url, Duration.ofSeconds(1), timeout,
                Duration.ofSeconds(10), 10), account, JsonMapper.builder().build());
    }

    private static void assertUnavailable(ConsentGateway gateway) {
        assertThatThrownBy(() -> gateway.access(UUID.randomUUID(), "mairie-demo", UUID.randomUUID(), "sha-256=:x:"))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status().value()).isEqualTo(503);
                    assertThat(problem.code()).isEqualTo("consent-service-unavailable");
                });
    }

    @Test
    void aStoppedConsentServiceIs503() throws Exception {
        FakeConsentService stopped = new FakeConsentService();
        URI url = stopped.url();
        stopped.stop();
        assertUnavailable(gatewayTo(url, Duration.ofSeconds(2)));
    }

    @Test
    void aConsentServiceThatNeverAnswersIs503AfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            long start = System.nanoTime();
            assertUnavailable(gatewayTo(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    Duration.ofMillis(300)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
