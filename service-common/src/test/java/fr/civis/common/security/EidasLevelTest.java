package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EidasLevelTest {

    @Test
    void theLevelsAreTheRealmsAcrLoaMapWeakestFirst() {
        JsonMapper json = JsonMapper.builder().build();
        JsonNode realm = json.readTree(Path.of("../realm-config/src/main/resources/realms/civis-realm.json").toFile());
        JsonNode loaMap = json.readTree(realm.path("attributes").path("acr.loa.map").asString());
        List<String> byLoa = new ArrayList<>(loaMap.propertyNames());
        byLoa.sort((a, b) -> Integer.compare(loaMap.get(a).asInt(), loaMap.get(b).asInt()));

        assertThat(Arrays.stream(EidasLevel.values()).map(EidasLevel::acr).toList()).isEqualTo(byLoa);
    }

    @Test
    void anUnknownOrMissingAcrProvesOnlyTheLowestLevel() {
        assertThat(EidasLevel.of(token("0"))).isEqualTo(EidasLevel.EIDAS1);
        assertThat(EidasLevel.of(token("eidas9"))).isEqualTo(EidasLevel.EIDAS1);
        assertThat(EidasLevel.of(token("eidas2"))).isEqualTo(EidasLevel.EIDAS2);
        assertThat(EidasLevel.EIDAS2.satisfies(EidasLevel.EIDAS1)).isTrue();
        assertThat(EidasLevel.EIDAS1.satisfies(EidasLevel.EIDAS2)).isFalse();
    }

    private static Jwt token(String acr) {
        return Jwt.withTokenValue("t").header("alg", "none").claim("acr", acr).build();
    }
}
