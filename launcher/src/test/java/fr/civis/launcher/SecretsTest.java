package fr.civis.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @TempDir
    Path dataDir;

    @Test
    void drawsEachSecretOnceAndKeepsItForTheNextStart() throws Exception {
        String password = Secrets.loadOrCreate(dataDir).databasePassword("vault");

        assertThat(password).matches("[A-Za-z0-9_-]{32}");
        assertThat(Secrets.loadOrCreate(dataDir).databasePassword("vault")).isEqualTo(password);
        assertThat(Secrets.loadOrCreate(dataDir).databasePassword("consent")).isNotEqualTo(password);
    }

    @Test
    void onlyTheOwnerCanReadThem() throws Exception {
        Secrets secrets = Secrets.loadOrCreate(dataDir);
        secrets.get(Secrets.S3_SECRET_KEY);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }
}
