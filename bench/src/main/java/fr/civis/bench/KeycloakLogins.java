package fr.civis.bench;

import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Keycloak's throughput with our extensions, flow and theme against the same Keycloak with the stock flow and theme,
 * in the same run: starts the real platform (fresh data in {@code bench/target/login-bench-data}, free ports), turns
 * theme and template caching on as in production ({@code start-dev} turns it off), creates through the admin API a
 * realm {@code stock} (Keycloak's built-in browser flow, theme {@code keycloak.v2}, no extension in any flow, but the
 * civis realm's settings that cost CPU: stored events, brute-force detection, password policy, token lifetimes) and a
 * realm {@code bare} (Keycloak's defaults throughout), the same client and the same users in the three realms, then
 * alternates measured phases of
 *
 * <ul>
 *   <li>logins: a fresh cookie jar per login, GET the authorization endpoint (login page rendered), POST the
 *       password form, follow the redirect to the callback, exchange the code (PKCE S256, confidential client);</li>
 *   <li>client-credentials grants on the same client.</li>
 * </ul>
 *
 * For each phase: operations per second, and operations per CPU-second of the Keycloak process ({@link ProcessCpu}
 * before and after; PostgreSQL's CPU is printed beside it), which is what Keycloak's sizing guide counts per vCPU and what stays
 * meaningful on a machine shared with the load generator and the rest of the platform. civis/stock is what our flow,
 * theme and extensions cost; stock/bare what the realm's settings cost. civis is also measured a second time in each
 * round with its security-event listener ({@code civis-journal}, docs/adr/0019) turned off through the admin API
 * ({@code civis-no-journal} below): civis/civis-no-journal is what forwarding security events to the journal costs,
 * the outbox row and its delivery included (consent-service runs and takes them). Then one more civis login
 * phase under JFR (started with jcmd on the Keycloak process): the share of execution samples with a password-hashing
 * frame. System properties: {@code bench.seconds} (per phase, 30), {@code bench.rounds} (alternations, 3),
 * {@code bench.clients} (concurrent virtual users, 8), {@code bench.warmup} (seconds, 30),
 * {@code bench.jfr} (true), {@code bench.work}, {@code civis.runtime}.
 */
public final class KeycloakLogins {

    private static final List<String> REALMS = List.of("civis", "stock", "bare");
    /** Realm civis with its security-event listener turned off: measured in the same rounds as the others. */
    private static final String NO_JOURNAL = "civis-no-journal";
    private static final List<String> MEASURED = List.of("civis", NO_JOURNAL, "stock", "bare");
    private static final String JOURNAL_LISTENER = "civis-journal";
    /**
     * The civis realm's settings that change what a login or a grant costs, copied to {@code stock}: events stored in
     * the database, brute-force detection, the password policy (hashing, blocklist), token and session lifetimes.
     */
    private static final List<String> COSTLY_SETTINGS = List.of("eventsEnabled", "eventsExpiration",
            "enabledEventTypes", "eventsListeners", "adminEventsEnabled", "adminEventsDetailsEnabled",
            "bruteForceProtected", "permanentLockout", "maxTemporaryLockouts", "bruteForceStrategy",
            "maxFailureWaitSeconds", "minimumQuickLoginWaitSeconds", "waitIncrementSeconds",
            "quickLoginCheckMilliSeconds", "maxDeltaTimeSeconds", "failureFactor", "passwordPolicy",
            "accessTokenLifespan", "ssoSessionIdleTimeout", "ssoSessionMaxLifespan", "revokeRefreshToken",
            "defaultSignatureAlgorithm");
    /** Keycloak's published sizing (26.x, "Concepts for sizing CPU and memory resources"), per vCPU. */
    private static final double PUBLISHED_LOGINS_PER_VCPU = 15;
    private static final double PUBLISHED_GRANTS_PER_VCPU = 120;
    /** Frames that belong to password hashing, whichever algorithm the realm uses. */
    private static final Pattern HASHING = Pattern.compile("Argon2|PBKDF2|Pbkdf2|PasswordHashProvider");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final KeycloakHttp keycloakHttp;
    private final BrowserLogin browser;
    private final Platform platform;
    private final String keycloak;
    /** One account per virtual user: a person does not log in from several browsers at the same instant. */
    private final int users;
    private final ProcessCpu cpu;

    private KeycloakLogins(Platform platform, int users) throws IOException {
        this.platform = platform;
        this.keycloak = platform.settings().keycloakUrl();
        this.keycloakHttp = new KeycloakHttp(http, platform);
        this.browser = new BrowserLogin(http, keycloakHttp, keycloak);
        this.users = users;
        this.cpu = ProcessCpu.ofPlatform(platform, List.of("keycloak"));
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.work", "bench/target/login-bench-data")).toAbsolutePath();
        Path runtime = Path.of(System.getProperty("civis.runtime", "launcher/target/runtime")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 30);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int clients = Integer.getInteger("bench.clients", 8);
        int warmup = Integer.getInteger("bench.warmup", 30);
        boolean jfr = !"false".equals(System.getProperty("bench.jfr"));

        Platform.deleteRecursively(work.resolve("data"));
        var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                PlatformSettings.Ports.free(), Map.of());
        try (Platform platform = Platform.start(settings, step -> System.out.println("[platform] " + step))) {
            cacheThemesAsInProduction(platform, work.resolve("keycloak"));
            new KeycloakLogins(platform, clients).run(seconds, rounds, clients, warmup, jfr, work);
        }
    }

    /**
     * {@code kc.sh start-dev} re-reads themes and re-parses templates at every page: production caches both. Both
     * realms are measured with caching on, by Keycloak's own configuration file, then Keycloak restarts.
     */
    private static void cacheThemesAsInProduction(Platform platform, Path keycloakHome) throws Exception {
        Path conf = keycloakHome.resolve("conf/keycloak.conf");
        String settings = "\n# Added by the login benchmark: production caching of themes and templates.\n"
                + "spi-theme-cache-themes=true\nspi-theme-cache-templates=true\n";
        if (!Files.readString(conf).contains("spi-theme-cache-themes=true")) {
            Files.writeString(conf, settings, StandardOpenOption.APPEND);
        }
        System.out.println("[platform] Keycloak restarted with theme caching on");
        platform.restart("keycloak");
    }

    private void run(int seconds, int rounds, int clients, int warmup, boolean jfr, Path work) throws Exception {
        setUp();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            System.out.printf("Warm-up, %d s per realm and kind…%n", warmup);
            for (String realm : REALMS) {
                phase(pool, clients, warmup, user -> login(realm, user));
                phase(pool, clients, warmup / 3, user -> clientCredentials(realm));
            }
            Map<String, List<Phase>> logins = new LinkedHashMap<>();
            Map<String, List<Phase>> grants = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                // Alternate the order, so that drift over the run favours no realm.
                List<String> order = r % 2 == 0 ? MEASURED : MEASURED.reversed();
                for (String measured : order) {
                    journal(!measured.equals(NO_JOURNAL));
                    String realm = measured.equals(NO_JOURNAL) ? "civis" : measured;
                    Phase login = phase(pool, clients, seconds, user -> login(realm, user));
                    Phase grant = phase(pool, clients, seconds, user -> clientCredentials(realm));
                    System.out.printf("round %d %-16s logins %s | client credentials %s%n", r + 1, measured, login,
                            grant);
                    logins.computeIfAbsent(measured, k -> new ArrayList<>()).add(login);
                    grants.computeIfAbsent(measured, k -> new ArrayList<>()).add(grant);
                }
            }
            journal(true);
            double hashing = jfr ? hashingShare(pool, clients, seconds, work) : Double.NaN;
            report(logins, grants, hashing, clients, seconds, rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- Realms ---------------------------------------------------------------------------------------------------

    /** The stock and bare realms (Keycloak's defaults but the theme named), the client and the users in all three. */
    private void setUp() throws Exception {
        for (String realm : List.of("stock", "bare")) {
            keycloakHttp.create("/realms", """
                    {"realm":"%s","enabled":true,"loginTheme":"keycloak.v2"}""".formatted(realm));
        }
        String settings = costlySettings(keycloakHttp.read("/realms/civis"));
        System.out.println("Settings of civis copied to stock: " + settings);
        keycloakHttp.update("/realms/stock", settings);
        for (String realm : REALMS) {
            BrowserLogin.createClientAndUsers(keycloakHttp, realm, users);
        }
        // Each realm logs in once, so that a setup mistake stops the run before any figure is printed.
        for (String realm : REALMS) {
            login(realm, 0);
            clientCredentials(realm);
        }
    }

    /** Turns realm civis's security-event listener on (as imported) or off, beside Keycloak's logging listener. */
    private void journal(boolean on) throws Exception {
        keycloakHttp.update("/realms/civis", on
                ? "{\"eventsListeners\":[\"jboss-logging\",\"" + JOURNAL_LISTENER + "\"]}"
                : "{\"eventsListeners\":[\"jboss-logging\"]}");
    }

    /** The {@link #COSTLY_SETTINGS} of a realm representation, as a JSON object (scalars and lists of strings). */
    private static String costlySettings(String realm) {
        List<String> members = new ArrayList<>();
        for (String name : COSTLY_SETTINGS) {
            Matcher value = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\[[^\\]]*\\]|\"(?:[^\"\\\\]|\\\\.)*\"|[-\\w.]+)")
                    .matcher(realm);
            if (value.find()) {
                members.add("\"" + name + "\":" + value.group(1));
            }
        }
        return "{" + String.join(",", members) + "}";
    }

    // --- One operation --------------------------------------------------------------------------------------------

    /** One browser login, as a new browser: login page, password, callback, code exchange. */
    private void login(String realm, int user) throws Exception {
        browser.login(keycloak, realm, user);
    }

    private void clientCredentials(String realm) throws Exception {
        keycloakHttp.token(realm, Map.of("grant_type", "client_credentials", "client_id", BrowserLogin.CLIENT,
                "client_secret", BrowserLogin.SECRET));
    }

    // --- Phases and CPU -------------------------------------------------------------------------------------------

    /**
     * Operations done and failed, wall seconds, and CPU seconds of Keycloak and of PostgreSQL (all its backends)
     * over the phase.
     */
    private record Phase(long done, long failed, double seconds, double keycloakCpu, double postgresCpu) {

        double perSecond() {
            return done / seconds;
        }

        /** Per CPU-second of Keycloak: what one fully used vCPU would serve. */
        double perKeycloakCpu() {
            return done / keycloakCpu;
        }

        @Override
        public String toString() {
            return String.format("%7.1f/s, %6.1f per Keycloak CPU-s (Keycloak used %.2f vCPU, PostgreSQL %.2f)%s",
                    perSecond(), perKeycloakCpu(), keycloakCpu / seconds, postgresCpu / seconds,
                    failed > 0 ? ", " + failed + " FAILED" : "");
        }
    }

    /** {@code clients} virtual users repeat {@code operation} for {@code seconds}. */
    private Phase phase(ExecutorService pool, int clients, int seconds, Load.Operation operation) throws Exception {
        Load.Result result = Load.run(pool, clients, seconds, cpu, operation);
        return new Phase(result.done(), result.failed(), result.seconds(), result.cpu()[1], result.cpu()[2]);
    }

    /** The Keycloak JVM, for jcmd: kc.sh's java child when the script does not exec it, else the launched process. */
    private ProcessHandle keycloakJvm() {
        return Jfr.jvmOf(ProcessHandle.of(platform.pid("keycloak")).orElseThrow());
    }

    /**
     * One more civis login phase with JFR on the Keycloak JVM (started and stopped with jcmd, profile settings: a
     * Java execution sample every 10 ms per running thread); the share of samples whose stack holds a
     * password-hashing frame is the share of Keycloak's Java CPU spent hashing. GC and JIT threads are not sampled.
     */
    private double hashingShare(ExecutorService pool, int clients, int seconds, Path work) throws Exception {
        Path recording = work.resolve("logins.jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        long pid = keycloakJvm().pid();
        Jfr.jcmd(pid, "JFR.start", "name=civis-logins", "settings=profile");
        Phase phase = phase(pool, clients, seconds, user -> login("civis", user));
        Jfr.jcmd(pid, "JFR.stop", "name=civis-logins", "filename=" + recording);
        long all = 0;
        long hashing = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            all++;
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                if (HASHING.matcher(frame.getMethod().getType().getName()).find()) {
                    hashing++;
                    break;
                }
            }
        }
        System.out.printf("JFR phase (civis logins): %s; %d execution samples, %d in password hashing; recording %s%n",
                phase, all, hashing, recording);
        return all == 0 ? Double.NaN : (double) hashing / all;
    }

    // --- Report ---------------------------------------------------------------------------------------------------

    private static void report(Map<String, List<Phase>> logins, Map<String, List<Phase>> grants, double hashing,
            int clients, int seconds, int rounds) {
        System.out.println();
        System.out.printf("%d vCPU on this machine, %d virtual users, %d rounds of %d s per realm and kind.%n",
                Runtime.getRuntime().availableProcessors(), clients, rounds, seconds);
        System.out.println("Sums over all rounds; civis/stock: our flow, theme and extensions; stock/bare: the realm's "
                + "settings (events, brute force, password policy).");
        System.out.println();
        System.out.println("| | civis /s | stock /s | bare /s | civis/stock | civis per KC CPU-s | stock per KC CPU-s "
                + "| bare per KC CPU-s | civis/stock per CPU | stock/bare per CPU | civis vs published |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        row("password logins", logins, PUBLISHED_LOGINS_PER_VCPU);
        row("client credentials", grants, PUBLISHED_GRANTS_PER_VCPU);
        System.out.println();
        System.out.printf("Published sizing: %.0f password logins/s and %.0f client-credentials grants/s per vCPU.%n",
                PUBLISHED_LOGINS_PER_VCPU, PUBLISHED_GRANTS_PER_VCPU);
        System.out.println();
        System.out.println("Security-event listener (civis with / without civis-journal, same rounds):");
        journalRow("password logins", logins);
        journalRow("client credentials", grants);
        if (!Double.isNaN(hashing)) {
            System.out.printf("Share of Keycloak's Java CPU samples in password hashing during civis logins: %.1f %%%n",
                    100 * hashing);
        }
    }

    private static void row(String kind, Map<String, List<Phase>> phases, double published) {
        Phase civis = total(phases.get("civis"));
        Phase stock = total(phases.get("stock"));
        Phase bare = total(phases.get("bare"));
        System.out.printf("| %s | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f× |%n", kind,
                civis.perSecond(), stock.perSecond(), bare.perSecond(), civis.perSecond() / stock.perSecond(),
                civis.perKeycloakCpu(), stock.perKeycloakCpu(), bare.perKeycloakCpu(),
                civis.perKeycloakCpu() / stock.perKeycloakCpu(), stock.perKeycloakCpu() / bare.perKeycloakCpu(),
                civis.perKeycloakCpu() / published);
        if (civis.failed() + stock.failed() + bare.failed() > 0) {
            System.out.printf("  %s: %d civis, %d stock and %d bare operations FAILED%n", kind, civis.failed(),
                    stock.failed(), bare.failed());
        }
    }

    private static void journalRow(String kind, Map<String, List<Phase>> phases) {
        Phase on = total(phases.get("civis"));
        Phase off = total(phases.get(NO_JOURNAL));
        System.out.printf("| %s | %.1f /s | %.1f /s | %.2f | %.1f per KC CPU-s | %.1f per KC CPU-s | **%.2f** |%n", kind,
                on.perSecond(), off.perSecond(), on.perSecond() / off.perSecond(), on.perKeycloakCpu(),
                off.perKeycloakCpu(), on.perKeycloakCpu() / off.perKeycloakCpu());
    }

    private static Phase total(List<Phase> phases) {
        return new Phase(phases.stream().mapToLong(Phase::done).sum(), phases.stream().mapToLong(Phase::failed).sum(),
                phases.stream().mapToDouble(Phase::seconds).sum(), phases.stream().mapToDouble(Phase::keycloakCpu).sum(),
                phases.stream().mapToDouble(Phase::postgresCpu).sum());
    }
}
