package fr.civis.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupFolderTest {

    @TempDir
    Path root;

    @Test
    void aBackupGoesIntoAnEmptyFolderOnly() throws Exception {
        Files.writeString(root.resolve("older-backup"), "x");

        assertThatThrownBy(() -> BackupFolder.create(root)).isInstanceOf(IOException.class).hasMessageContaining("vide");
    }

    @Test
    void anInterruptedBackupIsRefusedAtRestore() throws Exception {
        BackupFolder.create(root.resolve("b")).saveObject("ab12", new ByteArrayInputStream(new byte[] {1, 2}));

        assertThatThrownBy(() -> BackupFolder.open(root.resolve("b"))).isInstanceOf(IOException.class)
                .hasMessageContaining("COMPLETE");
    }

    @Test
    void aCompleteBackupOpensWithTheObjectsItKept() throws Exception {
        BackupFolder folder = BackupFolder.create(root.resolve("b"));
        folder.saveObject("ab12", new ByteArrayInputStream(new byte[] {1, 2, 3}));
        folder.saveObject("cd34", new ByteArrayInputStream(new byte[] {4}));

        assertThat(folder.pruneObjectsExcept(Set.of("ab12"))).isEqualTo(1);
        folder.complete(new Backup.Summary(1, 3, 0, Instant.now(), 1, 0, Duration.ofSeconds(1)));

        BackupFolder opened = BackupFolder.open(root.resolve("b"));
        assertThat(opened.objectNames()).isEqualTo(List.of("ab12"));
        assertThat(Files.readAllBytes(opened.object("ab12"))).containsExactly(1, 2, 3);
    }

    @Test
    void anObjectNameThatCouldLeaveTheFolderIsRefused() {
        for (String name : List.of("../secrets.properties", "a/b", "..", ".hidden", "")) {
            assertThatThrownBy(() -> BackupFolder.checkedName(name)).as(name).isInstanceOf(IllegalStateException.class);
        }
        assertThat(BackupFolder.checkedName("0f3a9c")).isEqualTo("0f3a9c");
    }
}
