package fr.civis.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * One part of the platform running as a child process, its output in {@code data/logs/<name>.log}, its pid in
 * {@code data/run/<name>.pid} so that a launcher killed without warning leaves nothing running after the next start.
 */
final class ManagedProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path pidFile;

    private ManagedProcess(String name, Process process, Path logFile, Path pidFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    static ManagedProcess start(String name, List<String> command, Map<String, String> environment, Path workingDir,
            Path dataDir) throws IOException {
        Path logs = Files.createDirectories(dataDir.resolve("logs"));
        Path run = Files.createDirectories(dataDir.resolve("run"));
        Path pidFile = run.resolve(name + ".pid");
        Path logFile = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Files.writeString(pidFile, Long.toString(process.pid()));
        return new ManagedProcess(name, process, logFile, pidFile);
    }

    /** Waits until {@code url} answers with a status {@code healthy} accepts; fails early if the process dies. */
    void awaitHttp(URI url, IntPredicate healthy, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        await(url.toString(), () -> healthy.test(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()),
                timeout);
    }

    /** A readiness probe: true when ready; an I/O failure means not listening yet. */
    @FunctionalInterface
    interface Probe {
        boolean ready() throws IOException, InterruptedException;
    }

    void await(String what, Probe probe, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " s'est arrêté au démarrage (code " + process.exitValue()
                        + ") : voir " + logFile);
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " n'a pas répondu (" + what + ") en " + timeout.toSeconds()
                + " s : voir " + logFile);
    }

    Path logFile() {
        return logFile;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process (SIGTERM, SIGKILL after a grace period) and its children. */
    @Override
    public void close() {
        stop(process.toHandle());
        forgetPid();
    }

    /** Kills the process and its children at once (SIGKILL), as a crash would, and waits until they are gone. */
    void kill() {
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            handle.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception stillThere) {
            throw new IllegalStateException(name + " ne s'est pas arrêté après SIGKILL", stillThere);
        }
        forgetPid();
    }

    private void forgetPid() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // The next start checks the pid again before acting on it.
        }
    }

    private static void stop(ProcessHandle handle) {
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            handle.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception notStopped) {
            handle.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Pid files survive only a launcher that was killed: stop what it had started, if still running, services
     * first and PostgreSQL (whose own pid file is {@code postmaster.pid}) last, so nothing is left holding a port.
     */
    static void stopLeftovers(Path dataDir) throws IOException {
        Path run = dataDir.resolve("run");
        if (Files.isDirectory(run)) {
            try (var pidFiles = Files.list(run)) {
                for (Path pidFile : pidFiles.filter(file -> file.toString().endsWith(".pid")).toList()) {
                    stopIfRunning(Files.readString(pidFile).trim(), "java");
                    Files.delete(pidFile);
                }
            }
        }
        Path postmaster = dataDir.resolve("postgres/postmaster.pid");
        if (Files.exists(postmaster)) {
            stopIfRunning(Files.readAllLines(postmaster).getFirst().trim(), "postgres");
        }
    }

    private static void stopIfRunning(String pid, String program) {
        try {
            ProcessHandle.of(Long.parseLong(pid))
                    .filter(handle -> handle.info().command().map(command -> command.endsWith(program)).orElse(false))
                    .ifPresent(ManagedProcess::stop);
        } catch (NumberFormatException corrupt) {
            // Nothing we can identify, nothing to stop.
        }
    }
}
