package fr.civis.vault.consent;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Citizen;
import tools.jackson.databind.JsonNode;

/** A citizen's consents, receipts and access history, read from consent-service with the citizen's own token. */
@Component
public class CitizenConsents {

    /**
     * @param consents newest first, as consent-service lists them
     * @param receipts each consent's signed receipt (compact JWS), by consent id
     * @param accesses the journal entries about the citizen's documents
     */
    public record History(JsonNode consents, Map<String, String> receipts, JsonNode accesses) {
    }

    private final ConsentGateway gateway;

    CitizenConsents(ConsentGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Everything at once, before an export starts; empty when consent-service cannot answer: the citizen's own copy
     * of their documents does not depend on it, and the archive then says what it lacks.
     */
    public Optional<History> historyIfAvailable(Citizen citizen) {
        try {
            return Optional.of(history(citizen));
        } catch (ProblemException unavailable) {
            if (!ConsentGateway.UNAVAILABLE.equals(unavailable.code())) {
                throw unavailable;
            }
            return Optional.empty();
        }
    }

    History history(Citizen citizen) {
        JsonNode consents = gateway.relayedJson("/me/consents", citizen.bearerToken());
        Map<String, String> receipts = new LinkedHashMap<>();
        for (JsonNode consent : consents.isArray() ? consents : consents.path("items")) {
            String id = ConsentGateway.text(consent, "id");
            if (id == null) {
                continue;
            }
            // Ids go into a path: only what parses as a UUID.
            UUID consentId = UUID.fromString(id);
            ConsentGateway.Relayed receipt = gateway.relay("GET", "/me/consents/" + consentId + "/receipt",
                    citizen.bearerToken());
            if (receipt.status() == 200) {
                receipts.put(consentId.toString(), new String(receipt.body(), StandardCharsets.US_ASCII));
            }
        }
        JsonNode accesses = gateway.relayedJson("/me/accesses", citizen.bearerToken());
        return new History(consents, receipts, accesses);
    }
}
