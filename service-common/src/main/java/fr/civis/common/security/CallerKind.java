package fr.civis.common.security;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who stands behind an access token. A person's kinds come from realm roles; a service is recognised by the marks
 * Keycloak puts on a client-credentials token ({@code client_id}, the {@code service-account-…} user name), never by
 * roles: a service account receives the realm's default roles, {@code citizen} included, like any new account.
 */
public enum CallerKind {
    /** A person with the {@code citizen} role, acting for themselves: the token's {@code sub} is the citizen. */
    CITIZEN(CivisRole.CITIZEN),
    AGENT(CivisRole.AGENT),
    DPO(CivisRole.DPO),
    ADMIN(CivisRole.ADMIN),
    /** A client acting on its own behalf (client credentials): {@code azp} names it, its {@code sub} is no one. */
    SERVICE(null);

    /** The user name Keycloak gives the service account of a client. */
    static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    private final CivisRole role;

    CallerKind(CivisRole role) {
        this.role = role;
    }

    /** Whether the token is of this kind of caller. */
    public boolean matches(Jwt token) {
        if (this == SERVICE) {
            return isServiceToken(token);
        }
        return !hasServiceMarks(token) && CivisRole.of(token).contains(role);
    }

    /**
     * A client-credentials token: it names its client ({@code azp}) and carries a service account's marks. A token
     * without {@code azp} is nobody's service.
     */
    static boolean isServiceToken(Jwt token) {
        String azp = token.getClaimAsString("azp");
        String clientId = token.getClaimAsString("client_id");
        String username = token.getClaimAsString("preferred_username");
        boolean marked = clientId != null || (username != null && username.startsWith(SERVICE_ACCOUNT_PREFIX));
        return marked && azp != null && !azp.isBlank() && (clientId == null || clientId.equals(azp));
    }

    /** Whether the token bears any service-account mark, consistent or not: such a token is never a person's. */
    static boolean hasServiceMarks(Jwt token) {
        String username = token.getClaimAsString("preferred_username");
        return token.hasClaim("client_id") || (username != null && username.startsWith(SERVICE_ACCOUNT_PREFIX));
    }
}
