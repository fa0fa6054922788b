package fr.civis.keycloak.events;

import java.time.Duration;
import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import fr.civis.keycloak.events.outbox.Outbox;
import fr.civis.keycloak.events.outbox.OutboxEntry;
import fr.civis.keycloak.events.sink.JournalSink;

/**
 * The background task, run on every node at a fixed interval: claims due outbox entries (rows locked, those another
 * node holds skipped), sends them as one batch, deletes them once the journal confirmed, or pushes them back with a
 * back-off. One transaction per batch; batches follow each other while full, up to a bound per run.
 */
final class OutboxDelivery implements Runnable {

    private static final Logger log = Logger.getLogger(OutboxDelivery.class);
    private static final int MAX_BATCHES_PER_RUN = 20;

    record Settings(int batchSize, Duration firstBackoff, Duration maxBackoff) {
    }

    private final KeycloakSessionFactory factory;
    private final JournalSink sink;
    private final Settings settings;
    private boolean failing;

    OutboxDelivery(KeycloakSessionFactory factory, JournalSink sink, Settings settings) {
        this.factory = factory;
        this.sink = sink;
        this.settings = settings;
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
                int sent = KeycloakModelUtils.runJobInTransactionWithResult(factory, this::deliverOnce);
                if (sent < settings.batchSize()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warnf("Security events: delivery run failed (%s); the outbox keeps them", e.getClass().getName());
        }
    }

    /** @return how many were delivered; 0 when none was due or the batch failed */
    private int deliverOnce(KeycloakSession session) {
        long now = Time.currentTimeMillis();
        List<OutboxEntry> due = Outbox.claim(session, now, settings.batchSize());
        if (due.isEmpty()) {
            return 0;
        }
        try {
            sink.deliver(due.stream().map(OutboxEntry::getPayload).toList());
        } catch (JournalSink.DeliveryException e) {
            Outbox.failed(due, now, settings.firstBackoff(), settings.maxBackoff());
            if (!failing) {
                log.warnf("Security events: the journal did not take %d events (%s); kept in the outbox, retried "
                        + "with back-off", due.size(), e.getMessage());
                failing = true;
            }
            return 0;
        }
        Outbox.delivered(session, due);
        if (failing) {
            log.infof("Security events: the journal takes events again (%d waiting)", Outbox.pending(session));
            failing = false;
        }
        return due.size();
    }
}
