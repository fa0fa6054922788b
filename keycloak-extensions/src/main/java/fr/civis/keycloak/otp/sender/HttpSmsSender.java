package fr.civis.keycloak.otp.sender;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

/** Posts one message to the gateway; anything but a 2xx answer is a failure. */
final class HttpSmsSender implements SmsSender {

    record Settings(URI url, String authorization, String template, Duration timeout) {
    }

    private final KeycloakSession session;
    private final HttpClient http;
    private final Settings defaults;

    HttpSmsSender(KeycloakSession session, HttpClient http, Settings defaults) {
        this.session = session;
        this.http = http;
        this.defaults = defaults;
    }

    @Override
    public void send(RealmModel realm, String phoneNumber, String text) throws SmsException {
        String url = realm.getAttribute("civis.sms.url");
        String authorization = realm.getAttribute("civis.sms.authorization");
        String template = realm.getAttribute("civis.sms.template");
        Settings settings = new Settings(url == null ? defaults.url() : URI.create(url),
                authorization == null ? defaults.authorization() : authorization,
                template == null ? defaults.template() : template, defaults.timeout());
        send(settings, phoneNumber, text, this::resolve);
    }

    /** Separate from the realm lookup so that a unit test drives it against a local gateway. */
    void send(Settings settings, String phoneNumber, String text, Function<String, String> secrets) throws SmsException {
        if (settings.url() == null) {
            throw new SmsException("No SMS gateway address");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(settings.template(), phoneNumber, text)));
        if (settings.authorization() != null && !settings.authorization().isBlank()) {
            if (!isReference(settings.authorization())) {
                throw new SmsException("The SMS gateway authorization is not a ${vault.…} or ${env.…} reference");
            }
            String value = secrets.apply(settings.authorization());
            if (value == null || value.isBlank()) {
                throw new SmsException("The SMS gateway credential reference resolves to nothing");
            }
            request.header("Authorization", value);
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new SmsException("The SMS gateway answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new SmsException("The SMS gateway could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmsException("Interrupted while sending an SMS", e);
        }
    }

    static String body(String template, String phoneNumber, String text) {
        return template.replace("{{to}}", json(phoneNumber)).replace("{{text}}", json(text));
    }

    /** The header value must come from a reference, so that no secret sits in clear in a config file or realm. */
    static boolean isReference(String reference) {
        return reference.matches("\\$\\{(vault|env)\\.[A-Za-z0-9_.\\-]+}");
    }

    private String resolve(String reference) {
        if (reference.startsWith("${env.")) {
            return System.getenv(reference.substring(6, reference.length() - 1));
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(reference)) {
            return secret.get().orElse(null);
        }
    }

    /** The inside of a JSON string literal. */
    private static String json(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
