package fr.civis.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import fr.civis.launcher.Platform;

/**
 * The vault's sealed objects as s3proxy keeps them on disk (its filesystem backend): what tests count, and damage
 * behind the vault's back.
 */
final class StoredObjects {

    private StoredObjects() {
    }

    /** The objects at the top of the bucket's folder (a set the caller may change). */
    static Set<Path> of(Platform platform) throws IOException {
        Path bucket = platform.settings().dataDir().resolve("s3/civis-vault");
        if (!Files.isDirectory(bucket)) {
            return new HashSet<>();
        }
        try (Stream<Path> files = Files.list(bucket)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toCollection(HashSet::new));
        }
    }

    /** An object stored since {@code before} was taken: the one an upload made. */
    static Path addedSince(Platform platform, Set<Path> before) throws IOException {
        Set<Path> added = of(platform);
        added.removeAll(before);
        return added.iterator().next();
    }

    /** Flips the lowest bit of the object's byte at {@code numerator / denominator} of its length. */
    static void flipAByte(Path object, int numerator, int denominator) throws IOException {
        byte[] sealed = Files.readAllBytes(object);
        sealed[sealed.length * numerator / denominator] ^= 0x01;
        Files.write(object, sealed, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
