package fr.civis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the vault's CPU goes during a phase of one operation: a flight recording of the vault-service JVM (started
 * and stopped with jcmd, profile settings plus Java execution samples every {@value #EXECUTION_PERIOD} and CPU-time
 * samples every {@value #CPU_TIME_PERIOD} of a thread's CPU, JDK 25's {@code jdk.CPUTimeSample}, which also sees
 * time in native code and system calls), and the process's CPU per thread from {@code /proc/<pid>/task} over the
 * same phase (GC, JIT and JFR threads are never in the samples). Each sample is put in one category, decided by the
 * first frame from the top of its stack that names one ({@link #CATEGORIES}; JDK frames name none unless listed, so
 * that a {@code HashMap.get} under Jackson counts as JSON and an HMAC under Tink's HKDF as HKDF). Java threads' CPU
 * is then split by the share of CPU-time samples of each category, and printed as ms of CPU per request.
 */
final class VaultProfile {

    static final String EXECUTION_PERIOD = "5ms";
    private static final long IMPLAUSIBLE_WEIGHT = 64L * 1024 * 1024;
    static final String CPU_TIME_PERIOD = "2ms";
    private static final double TICKS_PER_SECOND = 100.0;

    /**
     * Class-name prefix → category, the first match from the top of a stack wins; order matters within one frame
     * only (longer prefixes first).
     */
    private static final Map<String, String> CATEGORIES = new LinkedHashMap<>();

    static {
        // The JDK frames that name a category themselves, whatever called them.
        category("Socket I/O (NIO, system calls)", "sun.nio.ch.", "java.net.Socket", "sun.net.", "java.nio.channels.");
        category("Virtual threads, scheduling", "java.lang.VirtualThread", "jdk.internal.vm.Continuation",
                "java.util.concurrent.ForkJoin", "java.util.concurrent.locks.", "jdk.internal.misc.Unsafe.park");
        category("JWT/JWKS validation (nimbus, Spring oauth2)", "com.nimbusds.",
                "org.springframework.security.oauth2.");
        category("Spring Security (other filters)", "org.springframework.security.");
        category("JDBC: PostgreSQL driver, Hikari, Spring jdbc/tx", "org.postgresql.", "com.zaxxer.hikari.",
                "org.springframework.jdbc.", "org.springframework.transaction.", "org.springframework.dao.");
        category("HKDF (Tink)", "com.google.crypto.tink.subtle.Hkdf");
        category("AES-GCM segments (Tink streaming)", "com.google.crypto.tink.subtle.AesGcmHkdfStreaming",
                "com.google.crypto.tink.subtle.StreamingAead", "com.google.crypto.tink.subtle.StreamSegment",
                "com.google.crypto.tink.subtle.NonceBasedStreamingAead", "com.google.crypto.tink.streamingaead.");
        category("AES-GCM small fields, key unwrap (Tink Aead)", "com.google.crypto.tink.aead.",
                "com.google.crypto.tink.subtle.AesGcm", "com.google.crypto.tink.internal.AesGcm",
                "fr.civis.vault.crypto.MasterKeyAead");
        category("Tink keysets: parsing, handles, registry", "com.google.crypto.tink.", "com.google.protobuf.");
        category("SHA-256 of the content (vault Digests)", "fr.civis.vault.crypto.Digests");
        category("Vault crypto (keys, streams)", "fr.civis.vault.crypto.", "fr.civis.vault.citizen.CitizenKeys",
                "fr.civis.vault.masterkey.");
        category("S3 client (minio, okhttp, okio)", "io.minio.", "okhttp3.", "okio.", "kotlin.");
        category("clamd client", "fr.civis.vault.scanning.");
        category("Multipart reading", "fr.civis.vault.document.MultipartReader");
        category("Content sniffing (Tika, PDFBox)", "org.apache.tika.", "org.apache.pdfbox.", "org.apache.fontbox.",
                "fr.civis.vault.document.ContentSniffer", "fr.civis.vault.document.ImageInspector");
        category("JSON (Jackson)", "com.fasterxml.jackson.", "tools.jackson.");
        category("Logging", "ch.qos.logback.", "org.slf4j.", "org.apache.logging.");
        category("Metrics, observation (micrometer)", "io.micrometer.", "org.springframework.boot.actuate.");
        category("Tomcat, HTTP parsing", "org.apache.tomcat.", "org.apache.coyote.", "org.apache.catalina.");
        category("Spring MVC, servlet", "org.springframework.web.", "org.springframework.http.", "jakarta.servlet.",
                "org.springframework.validation.");
        category("Spring (other: AOP, beans, context)", "org.springframework.");
        category("Vault code (other)", "fr.civis.");
    }

    private static void category(String name, String... prefixes) {
        for (String prefix : prefixes) {
            CATEGORIES.put(prefix, name);
        }
    }

    private static final List<String> JDK = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    private final long pid;
    private final Path recording;
    private Map<String, Long> ticksBefore;
    private final String name;

    /**
     * @param vault the launched vault-service process
     * @param recording where the recording goes (overwritten)
     */
    VaultProfile(ProcessHandle vault, Path recording) {
        this.pid = Jfr.jvmOf(vault).pid();
        this.recording = recording.toAbsolutePath();
        this.name = "vault-" + recording.getFileName();
    }

    void start() throws IOException, InterruptedException {
        Files.deleteIfExists(recording);
        Jfr.jcmd(pid, "JFR.start", "name=" + name, "settings=profile",
                "jdk.ExecutionSample#period=" + EXECUTION_PERIOD,
                "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=" + CPU_TIME_PERIOD);
        ticksBefore = threadTicks();
    }

    /** Stops the recording and prints the breakdown of the phase, per request. */
    void stopAndReport(String phase, int requests) throws IOException, InterruptedException {
        Map<String, Long> ticksAfter = threadTicks();
        Jfr.jcmd(pid, "JFR.stop", "name=" + name, "filename=" + recording);
        Map<String, Double> threadMs = new LinkedHashMap<>();
        double totalMs = 0;
        for (var entry : ticksAfter.entrySet()) {
            long delta = entry.getValue() - ticksBefore.getOrDefault(entry.getKey(), 0L);
            if (delta <= 0) {
                continue;
            }
            double ms = delta * 1000 / TICKS_PER_SECOND / requests;
            threadMs.merge(threadGroup(entry.getKey().substring(entry.getKey().indexOf(' ') + 1)), ms, Double::sum);
            totalMs += ms;
        }
        System.out.printf("%n=== JFR: %s — %d requests, vault-service CPU %.2f ms/request (/proc)%n", phase, requests,
                totalMs);
        System.out.println("Vault CPU by thread group (/proc/<pid>/task), ms per request:");
        System.out.println("| thread group | ms/request | % |");
        System.out.println("|---|---|---|");
        for (var entry : sortedByValue(threadMs)) {
            System.out.printf("| %s | %.2f | %.1f |%n", entry.getKey(), entry.getValue(),
                    100 * entry.getValue() / totalMs);
        }
        report(recording, requests, threadMs.getOrDefault("Java threads", 0.0));
    }

    /**
     * Reads a recording again: {@code VaultProfile <recording.jfr> <requests> <Java threads' CPU ms per request>}
     * prints its categories, hottest methods and allocation sites, as the benchmark does.
     */
    public static void main(String[] args) throws IOException {
        report(Path.of(args[0]), Integer.parseInt(args[1]), Double.parseDouble(args[2]));
    }

    /**
     * Allocation sites are ranked by the weight of their {@code jdk.ObjectAllocationSample}s, leaving out the odd
     * sample of a virtual thread that weighs more than {@value #IMPLAUSIBLE_WEIGHT} bytes (a few per recording carry
     * gigabytes, as if counted from the carrier's birth); what is left adds up, within a few %, to what the JVM's
     * threads allocated ({@code jdk.ThreadAllocationStatistics} at the start and end of the recording), printed beside.
     */
    static void report(Path recording, int requests, double javaMs) throws IOException {
        Counts cpuTime = new Counts(), execution = new Counts();
        Map<String, Long> allocated = new HashMap<>();
        Map<String, String> allocatedCategory = new HashMap<>();
        long allocationSamples = 0; // their weight in all
        int dropped = 0;
        Map<Long, long[]> threadAllocated = new HashMap<>();
        long lost = 0;
        long failed = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            switch (type) {
                case "jdk.CPUTimeSample" -> {
                    if (event.getBoolean("failed")) {
                        failed++;
                    } else {
                        cpuTime.add(event.getStackTrace());
                    }
                }
                case "jdk.ExecutionSample" -> execution.add(event.getStackTrace());
                case "jdk.CPUTimeSamplesLost" -> lost += event.getLong("lostSamples");
                case "jdk.ThreadAllocationStatistics" -> {
                    long bytes = event.getLong("allocated");
                    long[] range = threadAllocated.computeIfAbsent(event.getThread("thread") == null ? -1
                            : event.getThread("thread").getJavaThreadId(), id -> new long[] {bytes, bytes});
                    range[0] = Math.min(range[0], bytes);
                    range[1] = Math.max(range[1], bytes);
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    if (weight > IMPLAUSIBLE_WEIGHT) {
                        dropped++;
                        continue;
                    }
                    allocationSamples += weight;
                    RecordedStackTrace stack = event.getStackTrace();
                    String site = stack == null || stack.getFrames().isEmpty() ? "(no stack)"
                            : site(stack.getFrames()) + " [" + event.getClass("objectClass").getName() + "]";
                    allocated.merge(site, weight, Long::sum);
                    allocatedCategory.putIfAbsent(site, categoryOf(stack));
                }
                default -> {
                }
            }
        }
        long allocatedTotal = threadAllocated.values().stream().mapToLong(range -> range[1] - range[0]).sum();
        System.out.printf("%d CPU-time samples (%d lost, %d failed stack walks), %d execution samples, %d allocation"
                        + " samples; recording %s%n", cpuTime.total, lost, failed, execution.total, allocationSamples,
                recording);
        System.out.printf("Java threads' %.2f ms/request by category (CPU-time samples; execution samples beside):%n",
                javaMs);
        System.out.println("| category | % CPU-time samples | ms/request | % execution samples |");
        System.out.println("|---|---|---|---|");
        for (var entry : sortedByValue(toDouble(cpuTime.byCategory))) {
            double share = entry.getValue() / cpuTime.total;
            System.out.printf("| %s | %.1f | %.2f | %.1f |%n", entry.getKey(), 100 * share, share * javaMs,
                    100.0 * execution.byCategory.getOrDefault(entry.getKey(), 0L) / Math.max(1, execution.total));
        }
        System.out.println("Hottest methods (self, CPU-time samples), top 15:");
        System.out.println("| method | category | % | ms/request |");
        System.out.println("|---|---|---|---|");
        for (var entry : sortedByValue(toDouble(cpuTime.bySelf)).stream().limit(15).toList()) {
            double share = entry.getValue() / cpuTime.total;
            System.out.printf("| `%s` | %s | %.1f | %.2f |%n", entry.getKey(), cpuTime.selfCategory.get(entry.getKey()),
                    100 * share, share * javaMs);
        }
        System.out.printf("Allocation: %.2f MB/request by jdk.ThreadAllocationStatistics, %.2f by the weight of"
                + " jdk.ObjectAllocationSample (%d samples over 64 MiB left out); top 15 sites:%n",
                allocatedTotal / 1e6 / requests, allocationSamples / 1e6 / requests, dropped);
        System.out.println("| site (first frame outside java.util / java.lang) [class] | category | % | KB/request |");
        System.out.println("|---|---|---|---|");
        for (var entry : sortedByValue(toDouble(allocated)).stream().limit(15).toList()) {
            double share = entry.getValue() / Math.max(1, allocationSamples);
            System.out.printf("| `%s` | %s | %.1f | %.1f |%n", entry.getKey(), allocatedCategory.get(entry.getKey()),
                    100 * share, entry.getValue() / 1e3 / requests);
        }
    }

    /** Samples counted by category and by the method on top of the stack. */
    private static final class Counts {
        long total;
        final Map<String, Long> byCategory = new HashMap<>();
        final Map<String, Long> bySelf = new HashMap<>();
        final Map<String, String> selfCategory = new HashMap<>();

        void add(RecordedStackTrace stack) {
            if (stack == null || stack.getFrames().isEmpty()) {
                return;
            }
            total++;
            String category = categoryOf(stack);
            byCategory.merge(category, 1L, Long::sum);
            String self = method(stack.getFrames().getFirst());
            bySelf.merge(self, 1L, Long::sum);
            selfCategory.putIfAbsent(self, category);
        }
    }

    static String categoryOf(RecordedStackTrace stack) {
        if (stack == null) {
            return "(no stack)";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            String qualified = type + "." + frame.getMethod().getName();
            for (var rule : CATEGORIES.entrySet()) {
                if (qualified.startsWith(rule.getKey())) {
                    return rule.getValue();
                }
            }
        }
        String top = stack.getFrames().getFirst().getMethod().getType().getName();
        return JDK.stream().anyMatch(top::startsWith) ? "Other (JDK only)" : "Other";
    }

    /** An allocation site: the first frame outside the JDK's collections, strings and boxing, else the top one. */
    private static String site(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.util.") && !type.startsWith("java.lang.") && !type.startsWith("jdk.internal.")) {
                return method(frame);
            }
        }
        return method(frames.getFirst());
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName()
                + " (" + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
    }

    private static String threadGroup(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("ZGC") || comm.startsWith("GC ")) {
            return "GC threads";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT compiler threads";
        }
        if (comm.startsWith("JFR ")) {
            return "JFR's own threads";
        }
        if (comm.startsWith("VM ") || comm.equals("Common-Cleaner") || comm.startsWith("Signal Dispatch")
                || comm.startsWith("Service Thread") || comm.startsWith("Monitor Deflati")) {
            return "VM threads";
        }
        return "Java threads";
    }

    /** utime + stime of each live thread of the JVM, keyed by "tid comm". */
    private Map<String, Long> threadTicks() throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException gone) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(task.getFileName() + " " + comm, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            }
        }
        return ticks;
    }

    private static Map<String, Double> toDouble(Map<String, Long> counts) {
        Map<String, Double> doubles = new HashMap<>();
        counts.forEach((key, value) -> doubles.put(key, value.doubleValue()));
        return doubles;
    }

    private static List<Map.Entry<String, Double>> sortedByValue(Map<String, Double> values) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(values.entrySet());
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return entries;
    }
}
