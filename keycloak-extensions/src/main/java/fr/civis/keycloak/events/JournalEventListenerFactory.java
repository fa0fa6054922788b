package fr.civis.keycloak.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.timer.TimerProvider;

import fr.civis.keycloak.events.sink.HttpJournalSink;

/**
 * {@value #ID}: the security events of a realm that lists it among its event listeners go to consent-service's
 * journal, through an outbox in Keycloak's database (docs/adr/0019-security-events-outbox.md). Options
 * ({@code --spi-events-listener--civis-journal--…} or {@code KC_SPI_EVENTS_LISTENER__CIVIS_JOURNAL__…}):
 * {@code consent-url} (consent-service's base address; without it events wait in the outbox and Keycloak says so),
 * {@code token-url} (the realm's token endpoint, as consent-service's issuer names it), {@code realm} (default
 * {@code civis}) and {@code client-id} (default {@code civis-events}): the events client, whose secret is read from
 * the realm itself, so that it is configured nowhere else; {@code ip-addresses} ({@code network} by default, {@code none} or {@code full}), {@code interval} (milliseconds
 * between delivery runs, default 2000), {@code batch-size} (default 200), {@code max-backoff} (seconds, default 60),
 * {@code timeout} (seconds, default 10).
 */
public final class JournalEventListenerFactory implements EventListenerProviderFactory {

    public static final String ID = "civis-journal";
    private static final Logger log = Logger.getLogger(JournalEventListenerFactory.class);
    private static final String TASK = "civis-journal-delivery";

    private SecurityEvents events;
    private Config.Scope config;
    private HttpClient http;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        this.config = config;
        this.events = new SecurityEvents(SecurityEvents.IpAddresses.valueOf(
                config.get("ip-addresses", "network").strip().toUpperCase(Locale.ROOT)));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        String consentUrl = config.get("consent-url");
        if (consentUrl == null || consentUrl.isBlank()) {
            log.warnf("Security events: no consent-url for %s; events are kept in the outbox, not delivered", ID);
            return;
        }
        Duration timeout = Duration.ofSeconds(config.getInt("timeout", 10));
        http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        String tokenUrl = config.get("token-url");
        if (tokenUrl == null || tokenUrl.isBlank()) {
            throw new IllegalStateException("The security-event listener " + ID + " needs the realm's token endpoint: "
                    + "--spi-events-listener--" + ID + "--token-url=https://…/realms/civis/protocol/openid-connect/token");
        }
        String realmName = config.get("realm", "civis");
        String clientId = config.get("client-id", "civis-events");
        var sink = new HttpJournalSink(http, new HttpJournalSink.Settings(
                URI.create(consentUrl.strip().replaceAll("/+$", "") + "/api/v1/security-events"),
                URI.create(tokenUrl.strip()), clientId,
                () -> KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> clientSecret(session,
                        realmName, clientId)),
                timeout));
        var delivery = new OutboxDelivery(factory, sink, new OutboxDelivery.Settings(config.getInt("batch-size", 200),
                Duration.ofSeconds(1), Duration.ofSeconds(config.getInt("max-backoff", 60))));
        long interval = config.getLong("interval", 2000L);
        // Scheduled once the database is migrated (the outbox table is created by Keycloak's own migration).
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory,
                        session -> session.getProvider(TimerProvider.class).schedule(delivery, interval, TASK));
            }
        });
    }

    /** The events client's current secret, from the realm (rotated there, picked up at the next token). */
    private static String clientSecret(KeycloakSession session, String realmName, String clientId) {
        RealmModel realm = session.realms().getRealmByName(realmName);
        ClientModel client = realm == null ? null : realm.getClientByClientId(clientId);
        return client == null ? null : client.getSecret();
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new JournalEventListener(session, events);
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
