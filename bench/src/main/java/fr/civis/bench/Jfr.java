package fr.civis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Flight recordings of another JVM of the platform, started and stopped with {@code jcmd}. */
final class Jfr {

    private Jfr() {
    }

    /** The JVM of a launched part: the process itself, or its java child when a script launched it without exec. */
    static ProcessHandle jvmOf(ProcessHandle launched) {
        if (launched.info().command().map(command -> command.endsWith("/java")).orElse(false)) {
            return launched;
        }
        return launched.descendants()
                .filter(child -> child.info().command().map(command -> command.endsWith("/java")).orElse(false))
                .findFirst().orElse(launched);
    }

    /** Runs {@code jcmd <pid> <command…>}; any failure stops the benchmark. */
    static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0 || output.contains("Exception") || output.contains("Could not")) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }
}
