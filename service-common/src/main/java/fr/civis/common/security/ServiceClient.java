package fr.civis.common.security;

import java.util.Objects;

/**
 * The client calling with its own client-credentials token, as a controller parameter on an endpoint that serves
 * {@link CallerKind#SERVICE}.
 *
 * @param clientId the token's {@code azp}: the client of realm {@code civis} that asked for the token
 */
public record ServiceClient(String clientId) {

    public ServiceClient {
        Objects.requireNonNull(clientId, "clientId");
    }
}
