package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The realm's keys' cache time: the shortest one allowed still gives a working key source; a shorter one is named. */
class KeysCacheTimeTest {

    private static CivisSecurityProperties withKeysCacheTime(Duration keysCacheTime) {
        return new CivisSecurityProperties(URI.create("http://localhost:8080/realms/civis"), "civis-vault", null,
                Duration.ofSeconds(30), keysCacheTime, List.of());
    }

    @Test
    void theShortestCacheTimeAllowedBuildsTheTokenDecoder() throws Exception {
        assertThat(new ResourceServerSecurity().jwtDecoder(withKeysCacheTime(CivisSecurityProperties.MIN_KEYS_CACHE_TIME)))
                .isNotNull();
    }

    @Test
    void aShorterCacheTimeIsRefusedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> withKeysCacheTime(Duration.ofSeconds(30)))
                .withMessageContaining("CIVIS_SECURITY_KEYS_CACHE_TIME").withMessageContaining("45 s");
    }
}
