package fr.civis.common.me;

import java.util.List;

import org.springframework.security.oauth2.jwt.Jwt;

import fr.civis.common.security.CivisRole;

/**
 * Who is calling, as the access token says.
 *
 * @param sub      the stable, opaque identifier of the account
 * @param username the login name, when the token carries it
 * @param name     the display name, when the token carries it
 * @param roles    the Civis roles granted
 * @param acr      the level of assurance of the login ({@code eidas1}, {@code eidas2}, {@code eidas3})
 */
public record Me(String sub, String username, String name, List<String> roles, String acr) {

    static Me of(Jwt token) {
        return new Me(
                token.getSubject(),
                token.getClaimAsString("preferred_username"),
                token.getClaimAsString("name"),
                CivisRole.of(token).stream().map(CivisRole::claimValue).toList(),
                token.getClaimAsString("acr"));
    }
}
