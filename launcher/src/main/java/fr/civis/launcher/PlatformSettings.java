package fr.civis.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Where the platform keeps its data, where it finds what it runs, and the ports it listens on (all on loopback).
 *
 * @param dataDir      databases, S3 objects, secrets and logs; kept between runs
 * @param runtimeDir   the artifacts the build gathered (launcher/target/runtime)
 * @param keycloakHome where the Keycloak distribution is unpacked (a build folder)
 * @param devData      import the demo accounts; never in production
 * @param serviceEnv   extra environment for both Spring services (tests tighten settings through it)
 * @param maxHeap      maximum heap (-Xmx value, e.g. {@code 256m}) of a Spring service by name; {@value #DEFAULT_MAX_HEAP}
 *                     for a service not named
 */
public record PlatformSettings(
        Path dataDir,
        Path runtimeDir,
        Path keycloakHome,
        boolean devData,
        Ports ports,
        Map<String, String> serviceEnv,
        Map<String, String> maxHeap) {

    public static final String DEFAULT_MAX_HEAP = "384m";

    public PlatformSettings {
        serviceEnv = Map.copyOf(serviceEnv);
        maxHeap = Map.copyOf(maxHeap);
        maxHeap.forEach((service, size) -> {
            if (!size.matches("[1-9][0-9]*[kKmMgG]")) {
                throw new IllegalArgumentException("Taille de tas invalide pour " + service + " : « " + size + " »");
            }
        });
    }

    /** Every service at the default heap. */
    public PlatformSettings(Path dataDir, Path runtimeDir, Path keycloakHome, boolean devData, Ports ports,
            Map<String, String> serviceEnv) {
        this(dataDir, runtimeDir, keycloakHome, devData, ports, serviceEnv, Map.of());
    }

    /** The -Xmx value the named service is started with. */
    public String maxHeap(String service) {
        return maxHeap.getOrDefault(service, DEFAULT_MAX_HEAP);
    }

    public record Ports(int postgres, int s3, int smtp, int imap, int mailWeb, int clamd, int keycloak,
            int keycloakManagement, int consent, int consentManagement, int vault, int vaultManagement,
            int mairieDemo, int mairieDemoManagement) {

        /** The documented defaults, each overridable by a {@code CIVIS_PORT_*} variable. */
        static Ports from(Function<String, String> env) {
            return new Ports(
                    port(env, "CIVIS_PORT_POSTGRES", 5433),
                    port(env, "CIVIS_PORT_S3", 9000),
                    port(env, "CIVIS_PORT_SMTP", 3025),
                    port(env, "CIVIS_PORT_IMAP", 3143),
                    port(env, "CIVIS_PORT_MAIL_WEB", 8025),
                    port(env, "CIVIS_PORT_CLAMD", 3310),
                    port(env, "CIVIS_PORT_KEYCLOAK", 8080),
                    port(env, "CIVIS_PORT_KEYCLOAK_MANAGEMENT", 9080),
                    port(env, "CIVIS_PORT_CONSENT", 8081),
                    port(env, "CIVIS_PORT_CONSENT_MANAGEMENT", 9081),
                    port(env, "CIVIS_PORT_VAULT", 8082),
                    port(env, "CIVIS_PORT_VAULT_MANAGEMENT", 9082),
                    port(env, "CIVIS_PORT_MAIRIE_DEMO", 8090),
                    port(env, "CIVIS_PORT_MAIRIE_DEMO_MANAGEMENT", 9090));
        }

        /** Ports free right now, so tests run beside a developer's platform without clashing. */
        public static Ports free() {
            Set<Integer> drawn = new LinkedHashSet<>();
            while (drawn.size() < 14) {
                drawn.add(freePort());
            }
            int[] p = drawn.stream().mapToInt(Integer::intValue).toArray();
            return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]);
        }

        private static int port(Function<String, String> env, String name, int fallback) {
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " doit être un numéro de port entre 1 et 65535, pas « " + value + " ».");
            }
        }

        /**
         * A port free now, drawn below Linux's ephemeral range (32768 and up): the parts start minutes after their
         * ports are chosen, and a port from the ephemeral range may meanwhile be taken by any outgoing connection on
         * the machine (a browser's, a build's), which made a part fail to bind now and then.
         */
        private static int freePort() {
            for (int attempt = 0; attempt < 200; attempt++) {
                int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
                try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                    return socket.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            }
            throw new UncheckedIOException(new IOException("no free port between 20000 and 32000 after 200 tries"));
        }
    }

    /** Settings of {@code ./civis up}: data in ./data, artifacts next to the launcher, demo accounts unless disabled. */
    public static PlatformSettings fromEnvironment(Path runtimeDir, Function<String, String> env) {
        Path dataDir = Path.of(valueOr(env.apply("CIVIS_DATA_DIR"), "data")).toAbsolutePath().normalize();
        boolean devData = !"false".equalsIgnoreCase(env.apply("CIVIS_DEMO_DATA"));
        return new PlatformSettings(dataDir, runtimeDir, runtimeDir.resolveSibling("keycloak"), devData,
                Ports.from(env), Map.of());
    }

    public String keycloakUrl() {
        return "http://localhost:" + ports.keycloak();
    }

    public String issuer() {
        return keycloakUrl() + "/realms/civis";
    }

    public String portalUrl() {
        return "http://localhost:" + ports.vault();
    }

    /** The demonstration municipal app (« Inscription à la crèche »), a recipient of released documents. */
    public String mairieDemoUrl() {
        return "http://localhost:" + ports.mairieDemo();
    }

    public String consentUrl() {
        return "http://localhost:" + ports.consent();
    }

    public String mailWebUrl() {
        return "http://localhost:" + ports.mailWeb();
    }

    /** Text messages of Keycloak's development SMS sender, one a line, for a person (or a test) to read. */
    public Path devSmsFile() {
        return dataDir.resolve("sms/civis-dev-sms.txt");
    }

    public String s3Url() {
        return "http://127.0.0.1:" + ports.s3();
    }

    private static String valueOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
