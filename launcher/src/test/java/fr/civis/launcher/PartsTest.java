package fr.civis.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartsTest {

    @TempDir
    Path data;

    private final List<String> progress = new ArrayList<>();

    /** A process that ignores SIGTERM would make stop() wait its whole grace; sleep does not. */
    private static List<String> sleeper() {
        return List.of("sleep", "600");
    }

    @Test
    void killEndsOnePartAtOnceAndRestartStartsItAgainWithTheSameCommandAndEnvironment() throws Exception {
        AtomicInteger healthChecks = new AtomicInteger();
        try (Parts parts = new Parts(data, progress::add)) {
            parts.launch("first", sleeper(), Map.of(), process -> { });
            parts.launch("second", List.of("bash", "-c", "echo \"started with $CIVIS_MARK\"; exec sleep 600"),
                    Map.of("CIVIS_MARK", "m-42"), process -> awaitLines(process.logFile(), healthChecks.incrementAndGet()));
            long before = parts.pid("second");
            ProcessHandle handle = ProcessHandle.of(before).orElseThrow();

            parts.kill("second");

            assertThat(handle.isAlive()).isFalse();
            assertThat(parts.isRunning("second")).isFalse();
            assertThat(parts.isRunning("first")).isTrue();
            assertThat(data.resolve("run/second.pid")).doesNotExist();
            assertThatThrownBy(() -> parts.pid("second")).isInstanceOf(IllegalStateException.class);

            parts.restart("second");

            assertThat(parts.isRunning("second")).isTrue();
            assertThat(parts.pid("second")).isNotEqualTo(before);
            assertThat(healthChecks).hasValue(2);
            assertThat(Files.readString(data.resolve("run/second.pid")).trim()).isEqualTo(Long.toString(parts.pid("second")));
            // The log keeps both runs, each with the same environment.
            assertThat(Files.readAllLines(data.resolve("logs/second.log"))).containsExactly(
                    "started with m-42", "started with m-42");
        }
    }

    /** The health check of the echoing part: its line is in the log. */
    private static void awaitLines(Path log, int lines) throws java.io.IOException, InterruptedException {
        for (int i = 0; i < 200 && Files.readAllLines(log).size() < lines; i++) {
            Thread.sleep(25);
        }
    }

    @Test
    void stopAndRestartOfARunningPart() throws Exception {
        try (Parts parts = new Parts(data, progress::add)) {
            parts.launch("s3proxy", sleeper(), Map.of(), process -> { });
            ProcessHandle first = ProcessHandle.of(parts.pid("s3proxy")).orElseThrow();
            parts.stop("s3proxy");
            assertThat(first.isAlive()).isFalse();
            parts.stop("s3proxy"); // already stopped: nothing to do
            parts.kill("s3proxy");
            parts.restart("s3proxy");
            ProcessHandle second = ProcessHandle.of(parts.pid("s3proxy")).orElseThrow();
            parts.restart("s3proxy"); // running: stopped first
            assertThat(second.isAlive()).isFalse();
            assertThat(parts.isRunning("s3proxy")).isTrue();
        }
    }

    @Test
    void closeStopsWhatStillRunsInReverseOrderOfFirstStartAndClosesResources() throws Exception {
        // Resources registered between the launches observe, when they are closed, which processes are still alive:
        // that is the order of stopping, without depending on when exit callbacks happen to run.
        List<String> observed = new ArrayList<>();
        Map<String, ProcessHandle> handles = new HashMap<>();
        Parts parts = new Parts(data, progress::add);
        parts.add(() -> observed.add("database: " + alive(handles)));
        parts.launch("a", sleeper(), Map.of(), process -> { });
        parts.add(() -> observed.add("between a and b: " + alive(handles)));
        parts.launch("b", sleeper(), Map.of(), process -> { });
        parts.launch("c", sleeper(), Map.of(), process -> { });
        parts.kill("b");
        parts.restart("a");
        for (String name : List.of("a", "c")) {
            handles.put(name, ProcessHandle.of(parts.pid(name)).orElseThrow());
        }

        parts.close();

        assertThat(observed).containsExactly("between a and b: [a]", "database: []");
        assertThat(handles.values()).noneMatch(ProcessHandle::isAlive);
    }

    private static List<String> alive(Map<String, ProcessHandle> handles) {
        return handles.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).sorted().toList();
    }

    @Test
    void aPartThatFailsItsHealthCheckIsStillStoppedByClose() throws Exception {
        Parts parts = new Parts(data, progress::add);
        assertThatThrownBy(() -> parts.launch("broken", sleeper(), Map.of(), process -> {
            throw new IllegalStateException("not ready");
        })).hasMessage("not ready");
        ProcessHandle handle = ProcessHandle.of(parts.pid("broken")).orElseThrow();
        parts.close();
        assertThat(handle.isAlive()).isFalse();
    }

    @Test
    void partsLaunchedFromTwoThreadsAtOnceAreAllKeptAndAllStopped() throws Exception {
        Parts parts = new Parts(data, progress::add);
        // Each health check waits a little, so that the two threads' launches overlap (Keycloak beside the services).
        Parts.HealthCheck slow = process -> Thread.sleep(20);
        ExecutorService other = Executors.newSingleThreadExecutor();
        Future<?> beside = other.submit(() -> {
            for (int i = 0; i < 10; i++) {
                parts.launch("beside-" + i, sleeper(), Map.of(), slow);
            }
            return null;
        });
        for (int i = 0; i < 10; i++) {
            parts.launch("main-" + i, sleeper(), Map.of(), slow);
        }
        beside.get();
        other.shutdown();
        assertThat(parts.names()).hasSize(20);
        List<ProcessHandle> handles = new ArrayList<>();
        for (String name : parts.names()) {
            handles.add(ProcessHandle.of(parts.pid(name)).orElseThrow());
        }

        parts.close();

        assertThat(handles).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void unknownPartsAndDuplicateNamesAreRefused() throws Exception {
        try (Parts parts = new Parts(data, progress::add)) {
            parts.launch("one", sleeper(), Map.of(), process -> { });
            assertThatThrownBy(() -> parts.kill("two")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two");
            assertThatThrownBy(() -> parts.launch("one", sleeper(), Map.of(), process -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(parts.names()).containsExactly("one");
        }
    }
}
