package fr.civis.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Every problem code the service raises has a French and an English title and detail. */
class ProblemMessagesTest {

    private static final Pattern RAISED = Pattern.compile("HttpStatus\\.[A-Z_]+, \"([a-z0-9-]+)\"");

    @Test
    void every_code_raised_has_its_messages() throws IOException {
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                Matcher matcher = RAISED.matcher(Files.readString(source));
                while (matcher.find()) {
                    codes.add(matcher.group(1));
                }
            }
        }
        codes.add("caller-not-allowed");
        assertThat(codes).contains("consent-revoked", "journal-unavailable", "consent-not-found");
        Properties shared = load("/civis-problems.properties");
        for (String bundle : new String[] {"/service-problems.properties", "/service-problems_en.properties"}) {
            Properties messages = load(bundle);
            for (String code : codes) {
                for (String part : new String[] {".title", ".detail"}) {
                    String key = "problem." + code + part;
                    assertThat(messages.containsKey(key) || shared.containsKey(key)).as(bundle + " " + key).isTrue();
                }
            }
        }
    }

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = ProblemMessagesTest.class.getResourceAsStream(name)) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }
}
