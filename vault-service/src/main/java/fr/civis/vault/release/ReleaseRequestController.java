package fr.civis.vault.release;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.common.security.EidasLevel;
import fr.civis.common.security.RequiresLevel;
import fr.civis.common.security.ServiceClient;
import tools.jackson.databind.JsonNode;

/**
 * Release requests: pushed by a recipient service, answered by the citizen in the portal. The browser carries only
 * the handle; recipient, purpose and return address come from the stored request.
 */
@RestController
@RequestMapping("/api/v1/release-requests")
@Tag(name = "Demandes de transmission", description = "Un service demande, l'habitant accepte ou refuse")
class ReleaseRequestController {

    private final ReleaseRequests requests;
    private final ReleaseProperties settings;

    ReleaseRequestController(ReleaseRequests requests, ReleaseProperties settings) {
        this.requests = requests;
        this.settings = settings;
    }

    record Pushed(String requestUri, long expiresIn) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Caller(CallerKind.SERVICE)
    @Operation(summary = "Un service destinataire dépose sa demande (RFC 9126) et reçoit une référence à usage unique.",
            description = "Refus : 403 recipient-unknown, purpose-not-declared, document-type-not-allowed ; 400 "
                    + "return-uri-not-registered, duration-too-long, invalid-duration, invalid-state, "
                    + "invalid-document-type, invalid-request ; 503 consent-service-unavailable.")
    ResponseEntity<Pushed> push(ServiceClient client, @RequestBody JsonNode body) {
        ReleaseRequests.Push push = new ReleaseRequests.Push(Json.strings(body, "documentTypes"),
                Json.text(body, "purpose"), Json.text(body, "duration"), Json.text(body, "returnUri"),
                Json.text(body, "state"));
        Json.onlyFields(body, "documentTypes", "purpose", "duration", "returnUri", "state");
        String handle = requests.push(client, push);
        return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store")
                .body(new Pushed(handle, settings.requestLifetime().toSeconds()));
    }

    @GetMapping("/{requestUri}")
    @Caller(CallerKind.CITIZEN)
    @Operation(summary = "Ce que le portail montre à l'habitant : qui, quoi, pourquoi, sur quelle base, jusqu'à quand.")
    Map<String, Object> show(Citizen citizen, @PathVariable String requestUri) {
        return requests.show(citizen, requestUri);
    }

    record Consented(String consentId, String redirect) {
    }

    @PostMapping(path = "/{requestUri}/consent", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Caller(CallerKind.CITIZEN)
    @RequiresLevel(EidasLevel.EIDAS2)
    @Operation(summary = "L'habitant transmet les documents choisis ; la demande est consommée.")
    ResponseEntity<Consented> consent(Citizen citizen, @PathVariable String requestUri, @RequestBody JsonNode body) {
        Json.onlyFields(body, "documentIds");
        List<UUID> documentIds = Json.ids(body, "documentIds");
        ReleaseRequests.Answer answer = requests.consent(citizen, requestUri, documentIds);
        return ResponseEntity.created(URI.create("/api/v1/me/consents/" + answer.consentId()))
                .body(new Consented(answer.consentId(), answer.redirect()));
    }

    record Refused(String redirect) {
    }

    @PostMapping("/{requestUri}/refusal")
    @Caller(CallerKind.CITIZEN)
    @Operation(summary = "L'habitant refuse ; le service reçoit error=access_denied et son state.")
    Refused refuse(Citizen citizen, @PathVariable String requestUri) {
        return new Refused(requests.refuse(citizen, requestUri).redirect());
    }

    /** Reading the JSON bodies strictly: a field of the wrong type or an unknown field is a 400. */
    static final class Json {
        private Json() {
        }

        static void onlyFields(JsonNode body, String... names) {
            if (body == null || !body.isObject()) {
                throw invalid();
            }
            List<String> allowed = List.of(names);
            for (String name : body.propertyNames()) {
                if (!allowed.contains(name)) {
                    throw invalid();
                }
            }
        }

        static String text(JsonNode body, String name) {
            if (body == null || !body.isObject()) {
                throw invalid();
            }
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isString()) {
                throw invalid();
            }
            return value.asString();
        }

        static List<String> strings(JsonNode body, String name) {
            if (body == null || !body.isObject()) {
                throw invalid();
            }
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isArray()) {
                throw invalid();
            }
            return java.util.stream.StreamSupport.stream(value.spliterator(), false).map(item -> {
                if (!item.isString()) {
                    throw invalid();
                }
                return item.asString();
            }).toList();
        }

        static List<UUID> ids(JsonNode body, String name) {
            List<String> values = strings(body, name);
            if (values == null) {
                throw invalid();
            }
            try {
                return values.stream().map(UUID::fromString).toList();
            } catch (IllegalArgumentException notAnId) {
                throw invalid();
            }
        }

        private static ProblemException invalid() {
            return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request");
        }
    }
}
