package fr.civis.consent.dpo;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;

import fr.civis.common.problem.ProblemException;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.journal.JournalEntry;
import fr.civis.consent.keycloak.KeycloakAdmin;
import tools.jackson.databind.JsonNode;

/**
 * What the DPO's console reads and does: searches of the journal's consents and accesses (citizens under a pseudonym),
 * exports, and the reveal of one citizen's identity, which is journaled before it is shown.
 */
@Service
class DpoConsole {

    /** An identity the DPO revealed, with the reason they gave. */
    record Identity(String citizen, String subject, String username, String firstName, String lastName, String email) {
    }

    private final JdbcClient jdbc;
    private final Journal journal;
    private final Pseudonyms pseudonyms;
    private final KeycloakAdmin keycloak;

    DpoConsole(JdbcClient jdbc, Journal journal, Pseudonyms pseudonyms, KeycloakAdmin keycloak) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.pseudonyms = pseudonyms;
        this.keycloak = keycloak;
    }

    /** The entries that match, newest first, at most {@code limit}. */
    List<ConsoleEntry> search(Criteria criteria, int limit) {
        ConsoleQuery query = ConsoleQuery.of(criteria.kinds(), criteria.recipient(), criteria.purpose(),
                criteria.documentType(), criteria.from(), criteria.to(), criteria.before(), limit);
        return jdbc.sql(query.sql()).params(query.params()).query((row, n) -> entry(row)).list();
    }

    /**
     * The identity of the citizen an entry is about, for a reason the DPO gives. The reveal is journaled first (kind
     * {@code dpo.reveal}, the DPO as actor, the entry and the reason): if the journal cannot be written, nothing is
     * shown. The entry names no citizen (its subject stays empty), so that it never appears in the citizen's own
     * history as if a service had read their papers.
     */
    Identity reveal(long entryId, String reason, String dpo) {
        Map<String, Object> entry = jdbc.sql("SELECT subject, consent_id, document_id FROM journal_entry WHERE seq = :seq")
                .param("seq", entryId).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> new ProblemException(HttpStatus.NOT_FOUND, "dpo-entry-not-found"));
        String subject = (String) entry.get("subject");
        if (subject == null) {
            throw new ProblemException(HttpStatus.NOT_FOUND, "dpo-entry-not-found");
        }
        String citizen = pseudonyms.of(subject);
        journal.append(JournalEntry.Event.of("dpo.reveal").actor(dpo).consentId((UUID) entry.get("consent_id"))
                .documentId((UUID) entry.get("document_id"))
                .reason("entrée " + entryId + ", " + citizen + " : " + reason));
        JsonNode account = account(subject).orElse(null);
        if (account == null) {
            return new Identity(citizen, subject, null, null, null, null);
        }
        return new Identity(citizen, subject, text(account, "username"), text(account, "firstName"),
                text(account, "lastName"), text(account, "email"));
    }

    /** Journals an export: who took which search, how many entries. */
    void exported(String dpo, String format, int count) {
        journal.append(JournalEntry.Event.of("dpo.export").actor(dpo).reason(format + ", " + count + " entrées"));
    }

    private Optional<JsonNode> account(String subject) {
        try {
            return Optional.ofNullable(keycloak.get("/users/" + java.net.URLEncoder.encode(subject,
                    java.nio.charset.StandardCharsets.UTF_8)));
        } catch (HttpClientErrorException.NotFound e) {
            return Optional.empty(); // the account is gone (a closed safe): the sub is all there is
        } catch (RestClientException | IllegalStateException e) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "identity-unavailable", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }

    private ConsoleEntry entry(ResultSet row) throws SQLException {
        String kind = row.getString(3);
        Array types = row.getArray(6);
        List<String> documentTypes = types == null ? null : List.of((String[]) types.getArray());
        return new ConsoleEntry(row.getLong(1), row.getObject(2, OffsetDateTime.class).toInstant(), kind,
                outcome(kind), row.getString(4), row.getString(5), documentTypes, pseudonyms.of(row.getString(7)),
                row.getObject(8, UUID.class), row.getObject(9, UUID.class), row.getString(10));
    }

    private static String outcome(String kind) {
        return Criteria.OUTCOMES.entrySet().stream().filter(e -> e.getValue().contains(kind)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }
}
