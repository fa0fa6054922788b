package fr.civis.keycloak.otp.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP sender against a local gateway that records what it receives. */
class HttpSmsSenderTest {

    private HttpServer gateway;
    private final List<String> bodies = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private int status = 202;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startGateway() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/sms", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        gateway.start();
    }

    @AfterEach
    void stopGateway() {
        gateway.stop(0);
        http.close();
    }

    @Test
    void postsTheTemplateWithEscapedValuesAndTheResolvedCredential() throws Exception {
        sender().send(settings("${env.SMS_TOKEN}"), "+33612345678", "Code \"123456\"\nCivis",
                Map.of("${env.SMS_TOKEN}", "Bearer s3cret")::get);

        assertThat(bodies).containsExactly("{\"to\":\"+33612345678\",\"text\":\"Code \\\"123456\\\"\\nCivis\"}");
        assertThat(authorizations).containsExactly("Bearer s3cret");
    }

    @Test
    void aRefusalIsAFailure() {
        status = 500;
        assertThatThrownBy(() -> sender().send(settings(null), "+33612345678", "x", reference -> null))
                .isInstanceOf(SmsException.class).hasMessageNotContaining("+336");
    }

    @Test
    void aSecretInClearIsRefused() {
        assertThatThrownBy(() -> sender().send(settings("Bearer s3cret"), "+33612345678", "x", reference -> "y"))
                .isInstanceOf(SmsException.class);
        assertThat(bodies).isEmpty();
    }

    @Test
    void anUnresolvedReferenceIsRefused() {
        assertThatThrownBy(() -> sender().send(settings("${vault.sms}"), "+33612345678", "x", reference -> null))
                .isInstanceOf(SmsException.class);
        assertThat(bodies).isEmpty();
    }

    private HttpSmsSender sender() {
        return new HttpSmsSender(null, http, null);
    }

    private HttpSmsSender.Settings settings(String authorization) {
        return new HttpSmsSender.Settings(URI.create("http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms"),
                authorization, HttpSmsSenderFactory.DEFAULT_TEMPLATE, Duration.ofSeconds(5));
    }
}
