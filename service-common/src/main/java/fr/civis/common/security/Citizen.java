package fr.civis.common.security;

import java.util.Objects;

/**
 * The citizen calling, as a controller parameter on an endpoint that serves {@link CallerKind#CITIZEN}.
 *
 * @param subject     the token's {@code sub}: the citizen's stable, opaque identifier
 * @param level       the level of assurance of the login
 * @param client      the token's {@code azp}: the application the citizen is using (the portal, a municipal app…)
 * @param bearerToken the citizen's own access token, to relay to another Civis service that checks it itself; never
 *                    logged, never stored
 */
public record Citizen(String subject, EidasLevel level, String client, String bearerToken) {

    public Citizen {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(bearerToken, "bearerToken");
    }

    /** Says who, not the token. */
    @Override
    public String toString() {
        return "Citizen[" + subject + ", " + level.acr() + ", " + client + "]";
    }
}
