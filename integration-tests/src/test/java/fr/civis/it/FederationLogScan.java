package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import fr.civis.launcher.Platform;

/**
 * Privacy check over Keycloak's log after the federation tests: no token (a JWS or JWE starts with base64url of
 * {@code {"}), no given name, no birth date of the test identities. Called once each federation test class is done,
 * so together they cover the whole federation run.
 */
final class FederationLogScan {

    private static final Pattern TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
    /** Given names and birth dates of the simulator identities and of the misbehaving provider's. */
    private static final List<String> PERSONAL = List.of("Angela", "Karim Youssef", "Camille Marie", "Léa Marie",
            "Louise", "1962-08-24", "1985-03-02", "1990-05-12", "1979-11-30", "1988-02-14", "1975-06-01");

    private FederationLogScan() {
    }

    static void assertNothingPersonalIn(Platform platform, String mustContain) throws IOException {
        Path log = platform.settings().dataDir().resolve("logs/keycloak.log");
        String text = Files.readString(log);
        // The scan reads the right file: what the federation tests certainly wrote is there.
        assertThat(text).contains(mustContain);
        assertThat(TOKEN.matcher(text).find()).as("a token in " + log).isFalse();
        for (String personal : PERSONAL) {
            assertThat(text).as("personal data in " + log).doesNotContain(personal);
        }
    }
}
