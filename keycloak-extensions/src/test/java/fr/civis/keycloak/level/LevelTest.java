package fr.civis.keycloak.level;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.Test;

class LevelTest {

    private static final Path REPOSITORY = Path.of("..");

    @Test
    void theLevelsAreTheRealmsAcrLoaMap() throws Exception {
        Map<String, Object> realm = JSONObjectUtils.parse(
                Files.readString(REPOSITORY.resolve("realm-config/src/main/resources/realms/civis-realm.json")));
        Map<String, Object> attributes = JSONObjectUtils.getJSONObject(realm, "attributes");
        Map<String, Object> loaMap = JSONObjectUtils.parse((String) attributes.get("acr.loa.map"));

        Map<String, Long> expected = new LinkedHashMap<>();
        loaMap.forEach((acr, loa) -> expected.put(acr, ((Number) loa).longValue()));
        Map<String, Long> levels = Arrays.stream(Level.values())
                .collect(Collectors.toMap(Level::acr, level -> (long) level.loa(), (a, b) -> a, LinkedHashMap::new));
        assertThat(levels).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void thePortalNamesTheSameLevelsWeakestFirst() throws Exception {
        String api = Files.readString(REPOSITORY.resolve("vault-service/src/main/resources/static/js/api.js"));
        Matcher declaration = Pattern.compile("const LEVELS = \\[([^\\]]*)\\]").matcher(api);
        assertThat(declaration.find()).isTrue();
        assertThat(declaration.group(1).replaceAll("[\\s']", ""))
                .isEqualTo(Arrays.stream(Level.values()).map(Level::acr).collect(Collectors.joining(",")));
    }

    @Test
    void onlyTheRealmsNumbersAreLevels() {
        assertThat(Level.ofLoa(2)).contains(Level.EIDAS2);
        assertThat(Level.ofLoa(0)).isEmpty();
        assertThat(Level.ofLoa(4)).isEmpty();
    }
}
