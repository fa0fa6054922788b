package fr.civis.consent.securityevent;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** What Keycloak's events listener sends (docs/journal-events.md) and what it gets back. */
final class SecurityEventRequests {

    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static final String KIND = "security\\.(login|login-failed|lockout|register|logout|federated-login|federated-link"
            + "|factor-added|factor-removed|password-changed|email-changed|admin)";
    /** A Keycloak user id, a client id: printable, no spaces, bounded. */
    static final String IDENTIFIER = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}";
    /** {@code success} or one of Keycloak's error codes. */
    static final String OUTCOME = "[a-z0-9][a-z0-9_.-]{0,63}";
    /**
     * The details the journal keeps: the same allow-list as the listener's (fr.civis.keycloak.events.SecurityEvents),
     * checked again here so that nothing else is stored whatever sends it.
     */
    static final String DETAIL_KEY = "auth_method|auth_type|credential_type|identity_provider|custom_required_action"
            + "|remember_me|register_method|reason|grant_type|change|ip|resourceType|operation|resourcePath";
    /** Printable, no control character, bounded like the listener's. */
    static final String DETAIL_VALUE = "[\\p{L}\\p{N}\\p{P}\\p{S} ]{0,120}";

    private SecurityEventRequests() {
    }

    /** {@code POST /api/v1/security-events}: a batch from the outbox, in the order the events happened. */
    record Batch(@NotEmpty @Size(max = 500) List<@Valid @NotNull Incoming> events) {
    }

    /**
     * One event.
     *
     * @param id   Keycloak's event id: the journal holds each once
     * @param time when it happened in Keycloak (milliseconds since the epoch)
     */
    record Incoming(
            @NotBlank @Pattern(regexp = UUID) String id,
            @NotBlank @Pattern(regexp = KIND) String kind,
            @NotNull @PositiveOrZero Long time,
            @Pattern(regexp = IDENTIFIER) String userId,
            @Pattern(regexp = IDENTIFIER) String clientId,
            @NotBlank @Pattern(regexp = OUTCOME) String outcome,
            @Size(max = 16) Map<@NotNull @Pattern(regexp = DETAIL_KEY) String,
                    @NotNull @Pattern(regexp = DETAIL_VALUE) String> details) {
    }

    /** Every event of the batch is in the journal, each under this entry (the same one for an event sent again). */
    record Journaled(List<Long> entryIds) {
    }
}
