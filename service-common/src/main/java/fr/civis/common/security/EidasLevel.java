package fr.civis.common.security;

import java.util.Arrays;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Levels of assurance of a login, as the realm writes them in the token's {@code acr} (its {@code acr.loa.map}),
 * from the weakest to the strongest: eIDAS low, substantial, high. Keycloak's extensions name the same levels with
 * {@code Level} and the portal with {@code LEVELS}; a test on each side holds them to the realm's map.
 */
public enum EidasLevel {
    EIDAS1("eidas1"),
    EIDAS2("eidas2"),
    EIDAS3("eidas3");

    private final String acr;

    EidasLevel(String acr) {
        this.acr = acr;
    }

    /** The value of {@code acr} (and of {@code acr_values} when asking Keycloak for this level). */
    public String acr() {
        return acr;
    }

    public boolean satisfies(EidasLevel required) {
        return compareTo(required) >= 0;
    }

    /**
     * The level the token proves. A missing or unknown {@code acr} (Keycloak's {@code "0"} for a session cookie
     * without a fresh login, a value some other realm invented) proves nothing more than the lowest level.
     */
    public static EidasLevel of(Jwt token) {
        String acr = token.getClaimAsString("acr");
        return Arrays.stream(values()).filter(level -> level.acr.equals(acr)).findFirst().orElse(EIDAS1);
    }
}
