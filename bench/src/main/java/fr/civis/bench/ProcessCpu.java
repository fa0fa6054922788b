package fr.civis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import fr.civis.launcher.Platform;

/**
 * CPU time used by a few named processes (with their descendants, but for one), read from Linux's {@code /proc/<pid>/stat}.
 * On a machine with few cores, where every part of the platform competes for the same CPUs, CPU per byte says what
 * a path costs better than wall-clock time, which a neighbour can stretch.
 */
public final class ProcessCpu {

    /** USER_HZ: the unit of utime and stime, 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final List<String> names;
    private final List<ProcessHandle> processes;
    private final String withoutDescendants;

    /** @param withoutDescendants the one process counted alone (the client JVM, parent of everything else) */
    private ProcessCpu(Map<String, ProcessHandle> processes, String withoutDescendants) {
        this.names = List.copyOf(processes.keySet());
        this.processes = List.copyOf(processes.values());
        this.withoutDescendants = withoutDescendants;
    }

    /**
     * "client" (this JVM, the load generator, which is also the parent of every part: its own CPU only), each of
     * {@code parts} that runs (with its children), and "postgres" (the server and its backends).
     */
    public static ProcessCpu ofPlatform(Platform platform, Collection<String> parts) {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("client", ProcessHandle.current());
        for (String part : parts) {
            if (platform.isRunning(part)) {
                processes.put(part, ProcessHandle.of(platform.pid(part)).orElseThrow());
            }
        }
        processes.put("postgres", postmaster(platform.settings().dataDir()));
        return new ProcessCpu(processes, "client");
    }

    /**
     * The platform's PostgreSQL server (the postmaster, whose backends are its children), from its own pid file in
     * the platform's data folder: {@code pg_ctl} detaches it, so it is no child of the JVM that started it.
     */
    public static ProcessHandle postmaster(Path platformDataDir) {
        Path pidFile = platformDataDir.resolve("postgres/postmaster.pid");
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("PostgreSQL (" + pid + ") is gone"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> names() {
        return names;
    }

    /** CPU seconds (user + system) used so far by each process and its descendants, in the order of {@link #names}. */
    public double[] seconds() {
        double[] seconds = new double[processes.size()];
        for (int i = 0; i < seconds.length; i++) {
            ProcessHandle process = processes.get(i);
            Stream<ProcessHandle> tree = names.get(i).equals(withoutDescendants) ? Stream.of(process)
                    : Stream.concat(Stream.of(process), process.descendants());
            seconds[i] = tree.mapToLong(p -> ticks(p.pid())).sum() / TICKS_PER_SECOND;
        }
        return seconds;
    }

    /** utime + stime of one process; 0 once it is gone. */
    private static long ticks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (java.nio.file.NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The command name, in parentheses, may hold spaces: count fields after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the name.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
