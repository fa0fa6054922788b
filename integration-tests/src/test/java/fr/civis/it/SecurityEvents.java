package fr.civis.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import fr.civis.launcher.Platform;

/**
 * Keycloak's security events on their way to the journal, read where they really are: the outbox in Keycloak's
 * database ({@code civis_event_outbox}) and the journal in consent-service's ({@code journal_entry}).
 */
final class SecurityEvents {

    /** One journal entry of a security event, as stored. */
    record Entry(String eventId, String kind, String actor, String clientId, String outcome, String details,
            String row) {
    }

    private final Platform platform;

    SecurityEvents(Platform platform) {
        this.platform = platform;
    }

    Connection keycloakDatabase() throws Exception {
        return database("keycloak");
    }

    Connection consentDatabase() throws Exception {
        return database("consent");
    }

    private Connection database(String name) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres()
                + "/" + name, name, platform.secrets().databasePassword(name));
    }

    /** Ids of the events of this user (or about them, {@code contains} matched in the payload) still in the outbox. */
    List<String> waiting(String contains) throws Exception {
        try (Connection keycloak = keycloakDatabase(); PreparedStatement query = keycloak.prepareStatement(
                "SELECT id FROM civis_event_outbox WHERE strpos(payload, ?) > 0 ORDER BY created_at")) {
            query.setString(1, contains);
            return ids(query);
        }
    }

    /** Waits until no event matching {@code contains} waits in the outbox any more. */
    void awaitDelivered(String contains, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        List<String> left = waiting(contains);
        while (!left.isEmpty()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError(left.size() + " security events still in Keycloak's outbox after " + limit);
            }
            Thread.sleep(250);
            left = waiting(contains);
        }
    }

    /** The journal's security entries whose actor is one of these users or whose event id is one of these. */
    List<Entry> journaled(List<String> actors, List<String> eventIds) throws Exception {
        try (Connection consent = consentDatabase(); PreparedStatement query = consent.prepareStatement(
                "SELECT event_id, kind, actor, client_id, outcome, details, journal_entry::text FROM journal_entry "
                        + "WHERE kind LIKE 'security.%' AND (actor = ANY (?) OR event_id = ANY (?)) ORDER BY seq")) {
            query.setArray(1, consent.createArrayOf("text", actors.toArray()));
            query.setArray(2, consent.createArrayOf("text", eventIds.toArray()));
            return entries(query);
        }
    }

    /** The journal's security entries whose details name one of these (an admin event's resource path). */
    List<Entry> mentioning(List<String> fragments) throws Exception {
        try (Connection consent = consentDatabase(); PreparedStatement query = consent.prepareStatement(
                "SELECT event_id, kind, actor, client_id, outcome, details, journal_entry::text FROM journal_entry "
                        + "WHERE kind LIKE 'security.%' AND details LIKE ANY (?) ORDER BY seq")) {
            query.setArray(1, consent.createArrayOf("text",
                    fragments.stream().map(fragment -> "%" + fragment + "%").toArray()));
            return entries(query);
        }
    }

    private static List<Entry> entries(PreparedStatement query) throws Exception {
        List<Entry> entries = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                entries.add(new Entry(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5), row.getString(6), row.getString(7)));
            }
        }
        return entries;
    }

    private static List<String> ids(PreparedStatement query) throws Exception {
        List<String> ids = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                ids.add(row.getString(1));
            }
        }
        return ids;
    }
}
