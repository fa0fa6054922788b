package fr.civis.keycloak.franceconnect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The levels a provider may return in {@code acr}, weakest first, each with the realm level of assurance it is
 * worth. FranceConnect: {@code eidas1:1 eidas2:2 eidas3:3}; a ProConnect-style provider can add levels between them
 * ({@code eidas1:1 eidas1-mfa:2 eidas2:2 eidas3:3}). A value not in the list is never accepted.
 */
final class AcrLevels {

    private final List<String> names;
    private final Map<String, Integer> loa;

    private AcrLevels(Map<String, Integer> loa) {
        this.loa = Map.copyOf(loa);
        this.names = List.copyOf(loa.keySet());
    }

    /** Parses {@code "eidas1:1, eidas2:2"} (commas or spaces between entries), weakest first. */
    static AcrLevels parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("No acr levels configured");
        }
        Map<String, Integer> levels = new LinkedHashMap<>();
        int previous = 0;
        for (String entry : spec.trim().split("[,\\s]+")) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("An acr level is written name:loa");
            }
            String name = entry.substring(0, colon);
            int level = Integer.parseInt(entry.substring(colon + 1));
            if (level < previous || level < 1 || levels.putIfAbsent(name, level) != null) {
                throw new IllegalArgumentException("Acr levels are listed once each, weakest first, levels >= 1");
            }
            previous = level;
        }
        return new AcrLevels(levels);
    }

    boolean isKnown(String acr) {
        return acr != null && loa.containsKey(acr);
    }

    /** True when {@code acr} is a known level ranked at or above {@code minimum}. */
    boolean satisfies(String acr, String minimum) {
        return isKnown(acr) && isKnown(minimum) && names.indexOf(acr) >= names.indexOf(minimum);
    }

    /** The realm level of assurance this level counts as. */
    int loaOf(String acr) {
        Integer level = loa.get(acr);
        if (level == null) {
            throw new IllegalArgumentException("Unknown acr level");
        }
        return level;
    }

    /** The stronger of two known levels. */
    String stronger(String a, String b) {
        return names.indexOf(a) >= names.indexOf(b) ? a : b;
    }

    /** The weakest known level whose realm level of assurance reaches {@code realmLoa}, if any. */
    Optional<String> weakestReaching(int realmLoa) {
        return names.stream().filter(name -> loa.get(name) >= realmLoa).findFirst();
    }
}
