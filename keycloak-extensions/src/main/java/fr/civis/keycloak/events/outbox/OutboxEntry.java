package fr.civis.keycloak.events.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A security event waiting to be delivered to the journal, in Keycloak's own database: written in the transaction of
 * the act it records, deleted once consent-service has it (civis-events-changelog.xml creates the table).
 */
@Entity
@Table(name = "CIVIS_EVENT_OUTBOX")
public class OutboxEntry {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** The event as consent-service takes it (JSON), already stripped of anything secret. */
    @Column(name = "PAYLOAD", length = 4000, nullable = false)
    private String payload;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    protected OutboxEntry() {
        // for JPA
    }

    OutboxEntry(String id, String realmId, long createdAt, String payload) {
        this.id = id;
        this.realmId = realmId;
        this.createdAt = createdAt;
        this.payload = payload;
        this.nextAttemptAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public String getPayload() {
        return payload;
    }

    public int getAttempts() {
        return attempts;
    }

    void retryAt(long when) {
        attempts++;
        nextAttemptAt = when;
    }
}
