package fr.civis.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakBuildsTest {

    @TempDir
    Path work;

    @Test
    void aNewCopyWithTheSameProvidersAndModeStartsFromTheBuildAnEarlierCopyMade() throws Exception {
        Path zip = Files.writeString(work.resolve("keycloak.zip"), "distribution");
        KeycloakBuilds builds = new KeycloakBuilds(work.resolve("runtime"));
        Path first = home("first", "built by the first copy");
        builds.remember(zip, first, "dev");

        Path second = home("second", "as unpacked");
        builds.reuse(zip, second, "dev");

        assertThat(second.resolve("lib/quarkus/generated-bytecode.jar")).hasContent("built by the first copy");
    }

    @Test
    void aBuildIsNotReusedWithAnotherProviderJarTimeAnotherModeOrAnotherDistribution() throws Exception {
        Path zip = Files.writeString(work.resolve("keycloak.zip"), "distribution");
        KeycloakBuilds builds = new KeycloakBuilds(work.resolve("runtime"));
        builds.remember(zip, home("first", "built by the first copy"), "dev");

        Path rebuiltJar = home("rebuilt-jar", "as unpacked");
        Files.setLastModifiedTime(rebuiltJar.resolve("providers/civis.jar"), FileTime.from(Instant.now()));
        builds.reuse(zip, rebuiltJar, "dev");
        Path cluster = home("cluster", "as unpacked");
        builds.reuse(zip, cluster, "cluster");
        Path newVersion = home("new-version", "as unpacked");
        Path newZip = Files.writeString(work.resolve("keycloak-next.zip"), "another distribution");
        builds.reuse(newZip, newVersion, "dev");

        for (Path home : new Path[] {rebuiltJar, cluster, newVersion}) {
            assertThat(home.resolve("lib/quarkus/generated-bytecode.jar")).hasContent("as unpacked");
        }
    }

    @Test
    void theFirstBuildKeptStaysAndNoHalfBuildIsLeftBehind() throws Exception {
        Path zip = Files.writeString(work.resolve("keycloak.zip"), "distribution");
        KeycloakBuilds builds = new KeycloakBuilds(work.resolve("runtime"));
        builds.remember(zip, home("first", "first build"), "dev");
        builds.remember(zip, home("second", "second build"), "dev");

        Path third = home("third", "as unpacked");
        builds.reuse(zip, third, "dev");

        assertThat(third.resolve("lib/quarkus/generated-bytecode.jar")).hasContent("first build");
        try (var kept = Files.list(work.resolve("runtime/keycloak-builds"))) {
            assertThat(kept.map(path -> path.getFileName().toString())).singleElement().asString().startsWith("dev-");
        }
    }

    /** A distribution copy: one provider jar with a fixed time, and a build output saying where it came from. */
    private Path home(String name, String build) throws IOException {
        Path home = work.resolve(name);
        Path jar = Files.writeString(Files.createDirectories(home.resolve("providers")).resolve("civis.jar"), "jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-01T10:00:00Z")));
        Files.writeString(Files.createDirectories(home.resolve("lib/quarkus")).resolve("generated-bytecode.jar"), build);
        return home;
    }
}
