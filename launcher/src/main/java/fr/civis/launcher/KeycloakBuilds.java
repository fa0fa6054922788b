package fr.civis.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Keycloak's build step (the Quarkus augmentation, {@code lib/quarkus}) done once and reused by every new copy of the
 * distribution with the same zip, the same provider jars and the same mode: it costs 25 s to over a minute of CPU
 * here, and each test platform, cluster node and restored platform has a copy of its own.
 *
 * <p>Reusing it is what Keycloak's optimized images do: at start Keycloak still compares the options and the
 * providers' modification times it was built with against the current ones, and builds again on any difference, so
 * a stale build is never run. Builds are kept beside the runtime, under {@code keycloak-builds/<key>}; a folder that
 * cannot be written there only means building each time.
 */
final class KeycloakBuilds {

    private final Path store;

    KeycloakBuilds(Path runtimeDir) {
        this.store = runtimeDir.resolve("keycloak-builds");
    }

    /** Into a freshly unpacked {@code home}: the build done before for the same distribution, providers and mode. */
    void reuse(Path zip, Path home, String mode) throws IOException {
        Path build = store.resolve(key(zip, home, mode));
        if (!Files.isDirectory(build)) {
            return;
        }
        try (Stream<Path> files = Files.list(build)) {
            for (Path file : files.toList()) {
                Files.copy(file, home.resolve("lib/quarkus").resolve(file.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Once a node of {@code home} is ready: keeps its build for the next new home, unless one is kept already. */
    void remember(Path zip, Path home, String mode) {
        try {
            Path build = store.resolve(key(zip, home, mode));
            if (Files.isDirectory(build)) {
                return;
            }
            Files.createDirectories(store);
            Path partial = Files.createTempDirectory(store, "partial-");
            try (Stream<Path> files = Files.list(home.resolve("lib/quarkus"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, partial.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            // Whole or absent: a platform starting beside this one never sees half a build.
            Files.move(partial, build, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException notKept) {
            // Another platform kept the same build first, or the runtime folder is read-only: the next home builds.
        }
    }

    /** The zip's size and time, the mode, and each provider jar's name, size and modification time. */
    private static String key(Path zip, Path home, String mode) throws IOException {
        StringBuilder key = new StringBuilder(mode).append('\n')
                .append(Files.size(zip)).append(':').append(Files.getLastModifiedTime(zip).toMillis()).append('\n');
        try (Stream<Path> files = Files.list(home.resolve("providers"))) {
            for (Path jar : files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                key.append(jar.getFileName()).append(':').append(Files.size(jar)).append(':')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return mode + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
