package fr.civis.bench;

import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Password logins on a cluster of two Keycloak nodes (docs/adr/0023-cluster-layout.md), both on this machine's cores:
 * starts the real platform with two nodes ({@code ./civis up --nodes 2}: production mode, Infinispan over jdbc-ping;
 * fresh data in {@code bench/target/nodes-bench-data}), then alternates measured phases of the same browser logins
 * ({@link BrowserLogin}, realm civis, the same virtual users)
 *
 * <ul>
 *   <li>(a) every login on node A (node B idle but in the cluster: what it spends then is its share of the
 *       cluster's work, cache replication and invalidation);</li>
 *   <li>(b) logins spread round-robin over A and B, each login whole on one node, as behind a load balancer with
 *       sticky sessions.</li>
 * </ul>
 *
 * Per phase: logins per second, and CPU milliseconds per login of each Keycloak node, of PostgreSQL, of
 * consent-service (it receives the security events of each login, ADR 0019), of the other parts and of this JVM (the
 * load generator), read from {@code /proc} ({@link ProcessCpu}); the whole machine's busy CPU and the load average
 * beside them, since other jobs may share the machine. Then the ratio (b)/(a), and what the measured CPU per login
 * says a machine with more cores would serve. System properties: {@code bench.seconds} (per phase, 30),
 * {@code bench.rounds} (3), {@code bench.clients} (concurrent virtual users, 8), {@code bench.warmup} (seconds per
 * mode, 30), {@code bench.work}, {@code civis.runtime}.
 */
public final class KeycloakNodes {

    private static final String REALM = "civis";
    private static final String ONE_NODE = "(a) node A only";
    private static final String TWO_NODES = "(b) A and B round-robin";
    /** The platform's parts that are not Keycloak nor consent-service, measured together. */
    private static final List<String> OTHER_PARTS = List.of("vault-service", "vault-service-2", "s3proxy", "greenmail",
            "clamd", "mairie-demo");

    private final BrowserLogin browser;
    private final String nodeA;
    private final String nodeB;
    private final ProcessCpu cpu;
    private final AtomicLong next = new AtomicLong();

    private KeycloakNodes(Platform platform, KeycloakHttp admin, HttpClient http) {
        this.nodeA = platform.settings().keycloakUrl();
        this.nodeB = platform.settings().moreNodes().getFirst().keycloakUrl();
        this.browser = new BrowserLogin(http, admin, nodeA);
        this.cpu = ProcessCpu.ofPlatform(platform, platform.parts());
        System.out.println("Measured processes: " + cpu.names());
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.work", "bench/target/nodes-bench-data")).toAbsolutePath();
        Path runtime = Path.of(System.getProperty("civis.runtime", "launcher/target/runtime")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 30);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int clients = Integer.getInteger("bench.clients", 8);
        int warmup = Integer.getInteger("bench.warmup", 30);

        Platform.deleteRecursively(work.resolve("data"));
        var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                PlatformSettings.Ports.free(), Map.of()).withNodesOnFreePorts(2, true);
        System.out.println("Load average before the platform starts: " + loadAverage());
        long started = System.nanoTime();
        try (Platform platform = Platform.start(settings, step -> System.out.println("[platform] " + step))) {
            System.out.printf("Platform started in %.0f s; load average %s%n", (System.nanoTime() - started) / 1e9,
                    loadAverage());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
            KeycloakHttp admin = new KeycloakHttp(http, platform);
            BrowserLogin.createClientAndUsers(admin, REALM, clients);
            new KeycloakNodes(platform, admin, http).run(seconds, rounds, clients, warmup);
        }
        System.out.println("Load average after the platform stopped: " + loadAverage());
    }

    private void run(int seconds, int rounds, int clients, int warmup) throws Exception {
        // One login on each node first, so that a setup mistake stops the run before any figure is printed.
        browser.login(nodeA, REALM, 0);
        browser.login(nodeB, REALM, 0);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            System.out.printf("Warm-up, %d s per mode (load average %s)…%n", warmup, loadAverage());
            phase(pool, clients, warmup, TWO_NODES);
            phase(pool, clients, warmup, ONE_NODE);
            System.out.println();
            System.out.println("| round | phase | logins/s | KC A ms/login | KC B ms/login | KC A+B ms/login "
                    + "| PostgreSQL ms/login | consent-service ms/login | other parts ms/login | client ms/login "
                    + "| KC A, B vCPU used | machine busy vCPU | load avg (1 min) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            Map<String, List<Phase>> phases = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                // Alternate the order, so that drift over the run favours neither mode.
                List<String> order = r % 2 == 0 ? List.of(ONE_NODE, TWO_NODES) : List.of(TWO_NODES, ONE_NODE);
                for (String mode : order) {
                    Phase phase = phase(pool, clients, seconds, mode);
                    System.out.println(phase.row(Integer.toString(r + 1)));
                    phases.computeIfAbsent(mode, k -> new ArrayList<>()).add(phase);
                }
            }
            report(phases, clients, seconds, rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    private Phase phase(ExecutorService pool, int clients, int seconds, String mode) throws Exception {
        long[] machineBefore = machineTicks();
        Load.Result result = Load.run(pool, clients, seconds, cpu, user -> browser.login(
                mode.equals(ONE_NODE) || next.getAndIncrement() % 2 == 0 ? nodeA : nodeB, REALM, user));
        long[] machineAfter = machineTicks();
        double busyShare = (double) (machineAfter[0] - machineBefore[0]) / (machineAfter[1] - machineBefore[1]);
        return new Phase(mode, result.done(), result.failed(), result.seconds(), part(result, "keycloak"),
                part(result, "keycloak-2"), part(result, "postgres"),
                part(result, "consent-service") + part(result, "consent-service-2"),
                OTHER_PARTS.stream().mapToDouble(name -> part(result, name)).sum(), part(result, "client"),
                busyShare * Runtime.getRuntime().availableProcessors(),
                Double.parseDouble(loadAverage().split(" ")[0]));
    }

    /** CPU seconds of one measured process over the phase; 0 for a part this platform does not run (clamd absent). */
    private double part(Load.Result result, String name) {
        int index = cpu.names().indexOf(name);
        return index < 0 ? 0 : result.cpu()[index];
    }

    /**
     * One phase: logins done and failed, wall seconds, CPU seconds of Keycloak A, B, PostgreSQL, consent-service (both
     * instances), the other parts and the client; the whole machine's busy vCPU (every process, other jobs included)
     * and the 1-minute load average at its end (the mean of the rounds' in a total).
     */
    private record Phase(String mode, long done, long failed, double seconds, double keycloakA, double keycloakB,
            double postgres, double consent, double others, double client, double machineBusy, double load) {

        double perSecond() {
            return done / seconds;
        }

        /** Milliseconds of CPU per login. */
        double ms(double cpuSeconds) {
            return 1000 * cpuSeconds / done;
        }

        /** Everything the platform spends per login, the load generator left out. */
        double server() {
            return keycloakA + keycloakB + postgres + consent + others;
        }

        String row(String round) {
            return String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f, %.2f | %.2f "
                            + "| %.1f |%s", round, mode, perSecond(), ms(keycloakA), ms(keycloakB),
                    ms(keycloakA + keycloakB), ms(postgres), ms(consent), ms(others), ms(client), keycloakA / seconds,
                    keycloakB / seconds, machineBusy, load, failed > 0 ? " " + failed + " FAILED" : "");
        }

        static Phase total(List<Phase> phases) {
            return new Phase(phases.getFirst().mode(), phases.stream().mapToLong(Phase::done).sum(),
                    phases.stream().mapToLong(Phase::failed).sum(), phases.stream().mapToDouble(Phase::seconds).sum(),
                    phases.stream().mapToDouble(Phase::keycloakA).sum(),
                    phases.stream().mapToDouble(Phase::keycloakB).sum(),
                    phases.stream().mapToDouble(Phase::postgres).sum(), phases.stream().mapToDouble(Phase::consent).sum(),
                    phases.stream().mapToDouble(Phase::others).sum(), phases.stream().mapToDouble(Phase::client).sum(),
                    phases.stream().mapToDouble(p -> p.machineBusy() * p.seconds()).sum()
                            / phases.stream().mapToDouble(Phase::seconds).sum(),
                    phases.stream().mapToDouble(Phase::load).average().orElseThrow());
        }
    }

    private static void report(Map<String, List<Phase>> phases, int clients, int seconds, int rounds) {
        Phase one = Phase.total(phases.get(ONE_NODE));
        Phase two = Phase.total(phases.get(TWO_NODES));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.printf("%d vCPU on this machine, %d virtual users, %d rounds of %d s per phase; sums over the "
                + "rounds:%n%n", cores, clients, rounds, seconds);
        System.out.println("| phase | logins/s | KC A ms/login | KC B ms/login | KC A+B ms/login | PostgreSQL ms/login "
                + "| consent-service ms/login | other parts ms/login | client ms/login | KC A, B vCPU used "
                + "| machine busy vCPU | load avg (1 min) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Phase total : List.of(one, two)) {
            String row = total.row("");
            System.out.println(row.substring(row.indexOf('|', 1)));
        }
        System.out.println();
        System.out.printf("(b)/(a): logins/s %.2f; Keycloak CPU per login (A+B) %.2f; platform CPU per login %.2f%n",
                two.perSecond() / one.perSecond(), two.ms(two.keycloakA() + two.keycloakB())
                        / one.ms(one.keycloakA() + one.keycloakB()), two.ms(two.server()) / one.ms(one.server()));
        System.out.printf("During (a), node B spent %.1f ms per login, all served by A (%.1f %% of node A's CPU): its share of the "
                + "cluster's work.%n", one.ms(one.keycloakB()), 100 * one.keycloakB() / one.keycloakA());
        System.out.println();
        System.out.println("If CPU is what limits, logins/s ≈ cores × 1000 / (CPU-ms per login):");
        for (Phase total : List.of(one, two)) {
            double server = total.ms(total.server());
            double withClient = server + total.ms(total.client());
            System.out.printf("  %s: platform %.1f ms + load generator %.1f ms per login → ceiling %.1f/s on %d cores "
                            + "with the generator beside it (measured %.1f/s), %.1f/s on %d; platform alone %.1f/s per "
                            + "core%n", total.mode(), server, total.ms(total.client()), cores * 1000 / withClient, cores,
                    total.perSecond(), (cores + 1) * 1000 / withClient, cores + 1, 1000 / server);
        }
        if (one.failed() + two.failed() > 0) {
            System.out.printf("%d logins FAILED in (a), %d in (b)%n", one.failed(), two.failed());
        }
    }

    /** Busy and total CPU ticks of the whole machine so far (first line of /proc/stat). */
    private static long[] machineTicks() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(fields[i]);
        }
        // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {total - idle, total};
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
