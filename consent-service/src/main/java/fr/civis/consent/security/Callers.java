package fr.civis.consent.security;

import java.util.Collection;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.CallerArgumentResolver;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.common.security.ServiceClient;

/**
 * Which client a caller came through (docs/release-api.md, "Callers and tokens"). service-common's {@code @Caller}
 * already decided the kind of caller (a service's client-credentials token, a citizen's own token); here, on top,
 * the one service that may speak to consent-service is the vault, and citizens reach it only through the clients
 * they use with their own token (the portal). Decided on the token's client ({@code azp}), never on the body.
 */
@Component
public class Callers {

    public static final String NOT_ALLOWED = "caller-not-allowed";

    private final CallerProperties settings;
    private final CivisSecurityProperties security;

    Callers(CallerProperties settings, CivisSecurityProperties security) {
        this.settings = settings;
        this.security = security;
    }

    /**
     * Keycloak's events client with the events role on our client: what may append security events. Both, so that
     * neither a renamed client nor a role given to another client is enough.
     */
    public String requireEventsSource(ServiceClient client, Jwt token) {
        Map<String, Object> access = token.getClaimAsMap("resource_access");
        Object ours = access == null ? null : access.get(security.audience());
        Object roles = ours instanceof Map<?, ?> entry ? entry.get("roles") : null;
        if (!settings.eventsClient().equals(client.clientId())
                || !(roles instanceof Collection<?> granted && granted.contains(settings.eventsRole()))) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
        return client.clientId();
    }

    /** The vault's own service token; any other client is 403 {@code caller-not-allowed}. */
    public String requireVault(ServiceClient client) {
        if (!settings.vaultClient().equals(client.clientId())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
        return client.clientId();
    }

    /** A citizen's own token, through a citizen client (relayed or not): their {@code sub}. */
    public String requireCitizen(Citizen citizen) {
        if (!settings.citizenClients().contains(citizen.client())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
        return citizen.subject();
    }

    /** On an endpoint serving both kinds: the vault, or a citizen through a citizen client. */
    public void requireVaultOrCitizen(Jwt token) {
        if (CallerKind.SERVICE.matches(token)) {
            requireVault(CallerArgumentResolver.serviceClient());
        } else {
            requireCitizen(CallerArgumentResolver.citizen());
        }
    }
}
