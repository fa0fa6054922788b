package fr.civis.keycloak.events.sink;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.keycloak.util.JsonSerialization;

/**
 * Posts a batch to consent-service's {@code POST /api/v1/security-events} with a client-credentials token of the
 * events client (audience civis-consent, role {@code security-events}). The token is fetched from the realm's token
 * endpoint and kept until shortly before it expires; a 401 drops it so that the next attempt takes a new one.
 */
public final class HttpJournalSink implements JournalSink {

    /**
     * @param eventsUrl    consent-service's ingestion endpoint
     * @param tokenUrl     the realm's token endpoint, as consent-service's issuer names it
     * @param clientId     the events client
     * @param clientSecret its secret, read from the realm when a token is needed
     */
    public record Settings(URI eventsUrl, URI tokenUrl, String clientId, Supplier<String> clientSecret,
            Duration timeout) {
    }

    private record Token(String value, Instant expiresAt) {
    }

    private final HttpClient http;
    private final Settings settings;
    private Token token;

    public HttpJournalSink(HttpClient http, Settings settings) {
        this.http = http;
        this.settings = settings;
    }

    @Override
    public synchronized void deliver(List<String> events) throws DeliveryException {
        if (events.isEmpty()) {
            return;
        }
        String body = "{\"events\":[" + String.join(",", events) + "]}";
        HttpRequest request = HttpRequest.newBuilder(settings.eventsUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<Void> response = send(request, "the journal");
        if (response.statusCode() == 401) {
            token = null;
        }
        if (response.statusCode() / 100 != 2) {
            throw new DeliveryException("the journal answered " + response.statusCode());
        }
    }

    private String token() throws DeliveryException {
        if (token != null && Instant.now().isBefore(token.expiresAt())) {
            return token.value();
        }
        String secret = settings.clientSecret().get();
        if (secret == null || secret.isBlank()) {
            throw new DeliveryException("the events client's secret reference resolves to nothing");
        }
        String form = "grant_type=client_credentials&client_id=" + encode(settings.clientId())
                + "&client_secret=" + encode(secret);
        HttpRequest request = HttpRequest.newBuilder(settings.tokenUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException("the token endpoint could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new DeliveryException("the token endpoint answered " + response.statusCode());
        }
        try {
            Map<?, ?> answer = JsonSerialization.readValue(response.body(), Map.class);
            String value = (String) answer.get("access_token");
            long lifetime = answer.get("expires_in") instanceof Number seconds ? seconds.longValue() : 60;
            // Renewed a little before it expires, so that a batch never leaves with a token about to die.
            token = new Token(value, Instant.now().plusSeconds(Math.max(5, lifetime - 15)));
            return value;
        } catch (IOException | ClassCastException e) {
            throw new DeliveryException("the token endpoint's answer is not a token", e);
        }
    }

    private HttpResponse<Void> send(HttpRequest request, String what) throws DeliveryException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryException(what + " could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
