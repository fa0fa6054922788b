package fr.civis.vault.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * consent-service played by a real HTTP server in the test's JVM: answers are set per path, requests are recorded.
 * {@link #stop} makes it unreachable.
 */
final class FakeConsentService implements AutoCloseable {

    /** One request as consent-service received it. */
    record Received(String method, String path, String authorization, String body) {
    }

    record Answer(int status, String contentType, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Received, Answer>> routes = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();

    FakeConsentService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code METHOD /api/v1/path} (query excluded). */
    void on(String method, String path, Function<Received, Answer> answer) {
        routes.put(method + " " + path, answer);
    }

    List<Received> received(String method, String path) {
        return received.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        if (exchange.getRequestURI().getRawQuery() != null) {
            path = path + "?" + exchange.getRequestURI().getRawQuery();
        }
        Received request = new Received(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Authorization"), body);
        received.add(request);
        Function<Received, Answer> route = routes.get(request.method() + " " + path);
        Answer answer = route == null ? Answer.json(404, "{\"code\":\"not-found\"}") : route.apply(request);
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
