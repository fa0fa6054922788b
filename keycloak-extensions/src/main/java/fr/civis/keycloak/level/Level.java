package fr.civis.keycloak.level;

import java.util.Arrays;
import java.util.Optional;

/**
 * The levels of assurance of a login, weakest first, under the one name each has everywhere: the {@code acr} the
 * realm writes in tokens and the level it maps it to in its {@code acr.loa.map} (realm-config). The services name
 * the same levels with {@code EidasLevel} and the portal with its {@code LEVELS}; {@code LevelTest} holds this
 * enum to the realm's map.
 */
public enum Level {
    EIDAS1("eidas1", 1),
    EIDAS2("eidas2", 2),
    EIDAS3("eidas3", 3);

    private final String acr;
    private final int loa;

    Level(String acr, int loa) {
        this.acr = acr;
        this.loa = loa;
    }

    public String acr() {
        return acr;
    }

    /** The number Keycloak's conditions and {@code AcrStore} compare. */
    public int loa() {
        return loa;
    }

    public static Optional<Level> ofLoa(int loa) {
        return Arrays.stream(values()).filter(level -> level.loa == loa).findFirst();
    }
}
