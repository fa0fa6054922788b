package fr.civis.it;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import fr.civis.launcher.Platform;
import fr.civis.launcher.PlatformSettings;

/**
 * Starts the real platform once for the whole test run (fresh data, free ports) and stops it at the end.
 * Test classes receive the running {@link Platform} as a parameter.
 */
public final class PlatformExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        running(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Platform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return running(context).platform();
    }

    private static Running running(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(Running.class, key -> Running.start(), Running.class);
    }

    /**
     * A platform of its own, on fresh data in {@code target/<name>} and free ports, for tests that need other settings
     * or that stop and kill its parts; the caller closes it.
     */
    static Platform startPlatform(String name, Map<String, String> serviceEnv, Map<String, String> maxHeap) {
        return startPlatform(name, serviceEnv, maxHeap, 1, false);
    }

    /**
     * The same with {@code nodes} nodes of consent-service and vault-service, and of Keycloak when
     * {@code keycloakCluster} ({@code ./civis up --nodes} does both).
     */
    static Platform startPlatform(String name, Map<String, String> serviceEnv, Map<String, String> maxHeap,
            int nodes, boolean keycloakCluster) {
        Path work = workFolder(name);
        Path runtime = Path.of(System.getProperty("civis.runtime", "../launcher/target/runtime")).toAbsolutePath();
        try {
            Platform.deleteRecursively(work.resolve("data"));
            var settings = new PlatformSettings(work.resolve("data"), runtime, work.resolve("keycloak"), true,
                    PlatformSettings.Ports.free(), serviceEnv, maxHeap).withNodesOnFreePorts(nodes, keycloakCluster);
            return Platform.start(settings, step -> System.out.println("[" + name + "] " + step));
        } catch (Exception e) {
            throw new IllegalStateException("The platform did not start; logs are in " + work.resolve("data/logs"), e);
        }
    }

    /** The folder of the platform {@code name} under the build's target folder; its data is in {@code data}. */
    static Path workFolder(String name) {
        return Path.of(System.getProperty("civis.it.work", "target/it")).toAbsolutePath().getParent().resolve(name);
    }

    /** Closed by JUnit when the root context closes, that is after the last test class. */
    private record Running(Platform platform) implements AutoCloseable {

        static Running start() {
            return new Running(startPlatform("it", Map.ofEntries(
                    // No tolerance on expiry, so that a token one second past its end is refused at once.
                    Map.entry("CIVIS_SECURITY_CLOCK_SKEW", "0s"),
                    // A quota a test can fill in seconds.
                    Map.entry("CIVIS_DOCUMENTS_QUOTA", "30MB"),
                    // A closing safe's retrieval-only period, shortened from 30 days.
                    Map.entry("CIVIS_SAFE_CLOSURE_GRACE", "20s"),
                    Map.entry("CIVIS_SAFE_CLOSURE_CHECK_INITIAL_DELAY", "1s"),
                    Map.entry("CIVIS_SAFE_CLOSURE_CHECK_INTERVAL", "1s"),
                    Map.entry("CIVIS_SAFE_NOTICE_INITIAL_DELAY", "1s"),
                    Map.entry("CIVIS_SAFE_NOTICE_INTERVAL", "1s"),
                    // The expiry reminders' job, every second instead of every hour.
                    Map.entry("CIVIS_REMINDERS_INITIAL_DELAY", "1s"),
                    Map.entry("CIVIS_REMINDERS_INTERVAL", "1s"),
                    // The DPO console's anomalies and retention, away from their defaults so that a test can tell the
                    // settings in force reach the page: repeated denials a test can produce in one burst.
                    Map.entry("CIVIS_ANOMALIES_WINDOW", "PT5M"),
                    Map.entry("CIVIS_ANOMALIES_MANYDENIALS", "3"),
                    Map.entry("CIVIS_RETENTION_ACCESSEVENTS", "P18M"),
                    Map.entry("CIVIS_RETENTION_SECURITYEVENTS", "P90D"),
                    Map.entry("CIVIS_RETENTION_ENDEDCONSENTS", "P2Y")), Map.of()));
        }

        @Override
        public void close() {
            platform.close();
        }
    }
}
