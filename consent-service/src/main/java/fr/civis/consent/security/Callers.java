package fr.civis.consent.security;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.CivisRole;

/**
 * Which kind of caller a token is (docs/release-api.md, "Callers and tokens"), decided on the token's client
 * ({@code azp}), never on the body. Every realm account holds the default role {@code citizen}, service accounts
 * included: the role alone does not make a citizen, the client it came through does.
 */
@Component
public class Callers {

    public static final String NOT_ALLOWED = "caller-not-allowed";

    private final CallerProperties settings;

    Callers(CallerProperties settings) {
        this.settings = settings;
    }

    /** The vault's own service token; anything else is 403 {@code caller-not-allowed}. */
    public void requireVault(Jwt token) {
        if (!isVault(token)) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
    }

    /** A citizen's own token (through the portal, relayed or not): their {@code sub}. */
    public String requireCitizen(Jwt token) {
        if (!isCitizen(token)) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
        return token.getSubject();
    }

    public void requireVaultOrCitizen(Jwt token) {
        if (!isVault(token) && !isCitizen(token)) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
    }

    /** A DPO's or an administrator's own token, through the portal or another staff client. */
    public String requireRole(Jwt token, CivisRole... roles) {
        if (token == null || isVault(token)) {
            throw new ProblemException(HttpStatus.FORBIDDEN, NOT_ALLOWED);
        }
        var granted = CivisRole.of(token);
        for (CivisRole role : roles) {
            if (granted.contains(role)) {
                return token.getSubject();
            }
        }
        throw new ProblemException(HttpStatus.FORBIDDEN, "access-denied");
    }

    private boolean isVault(Jwt token) {
        return token != null && settings.vaultClient().equals(token.getClaimAsString("azp"));
    }

    private boolean isCitizen(Jwt token) {
        return token != null && token.getSubject() != null
                && settings.citizenClients().contains(token.getClaimAsString("azp"))
                && CivisRole.of(token).contains(CivisRole.CITIZEN);
    }
}
