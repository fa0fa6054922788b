package fr.civis.keycloak.otp.sender;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * {@value #ID}: posts each message as JSON to the city's SMS gateway. Options ({@code --spi-civis-sms-sender--civis-http--…}
 * or {@code KC_SPI_CIVIS_SMS_SENDER__CIVIS_HTTP__…}): {@code url} (required when this sender is chosen: Keycloak
 * refuses to start without it), {@code authorization} (value of the {@code Authorization} header, given as a
 * reference, {@code ${vault.key}} or {@code ${env.NAME}}, never in clear), {@code template} (JSON with
 * {@code {{to}}} and {@code {{text}}}), {@code timeout} (seconds, default 10). A realm served by another gateway
 * overrides them with its attributes {@code civis.sms.url}, {@code civis.sms.authorization}, {@code civis.sms.template}.
 */
public final class HttpSmsSenderFactory implements SmsSenderFactory {

    public static final String ID = "civis-http";
    static final String DEFAULT_TEMPLATE = "{\"to\":\"{{to}}\",\"text\":\"{{text}}\"}";

    private HttpSmsSender.Settings settings;
    private HttpClient http;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        String url = config.get("url");
        settings = new HttpSmsSender.Settings(url == null || url.isBlank() ? null : URI.create(url.strip()),
                config.get("authorization"), config.get("template", DEFAULT_TEMPLATE),
                Duration.ofSeconds(config.getInt("timeout", 10)));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (isChosen(factory)) {
            if (settings.url() == null) {
                throw new IllegalStateException("The SMS sender " + ID + " needs the gateway address: "
                        + "--spi-civis-sms-sender--civis-http--url=https://…");
            }
            if (settings.authorization() != null && !HttpSmsSender.isReference(settings.authorization())) {
                throw new IllegalStateException("The SMS gateway authorization must be a reference, ${vault.key} or "
                        + "${env.NAME}, never the secret itself");
            }
        }
        http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        return new HttpSmsSender(session, http, settings);
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
