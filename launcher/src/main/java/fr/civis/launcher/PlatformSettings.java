package fr.civis.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

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
 * @param moreNodes    ports of the second, third… node: Keycloak, consent-service and vault-service, sharing the first
 *                     one's database and bucket ({@code ./civis up --nodes 2}, docs/adr/0023-cluster-layout.md);
 *                     empty for one of each
 * @param keycloakCluster whether Keycloak runs on every node too (production mode, clustered); {@code ./civis up --nodes}
 *                     says yes, tests of the services alone say no and keep one Keycloak in development mode
 */
public record PlatformSettings(
        Path dataDir,
        Path runtimeDir,
        Path keycloakHome,
        boolean devData,
        Ports ports,
        Map<String, String> serviceEnv,
        Map<String, String> maxHeap,
        List<NodePorts> moreNodes,
        boolean keycloakCluster) {

    public static final String DEFAULT_MAX_HEAP = "384m";

    /** Nodes {@code ./civis up} accepts to start on one machine. */
    public static final int MAX_NODES = 4;

    public PlatformSettings {
        serviceEnv = Map.copyOf(serviceEnv);
        maxHeap = Map.copyOf(maxHeap);
        moreNodes = List.copyOf(moreNodes);
        maxHeap.forEach((service, size) -> {
            if (!size.matches("[1-9][0-9]*[kKmMgG]")) {
                throw new IllegalArgumentException("Taille de tas invalide pour " + service + " : « " + size + " »");
            }
        });
    }

    /** One instance of each service. */
    public PlatformSettings(Path dataDir, Path runtimeDir, Path keycloakHome, boolean devData, Ports ports,
            Map<String, String> serviceEnv, Map<String, String> maxHeap) {
        this(dataDir, runtimeDir, keycloakHome, devData, ports, serviceEnv, maxHeap, List.of(), false);
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

    /**
     * The same settings with {@code nodes} nodes on free ports: consent-service and vault-service on each, and
     * Keycloak too when {@code keycloakCluster}.
     */
    public PlatformSettings withNodesOnFreePorts(int nodes, boolean keycloakCluster) {
        return new PlatformSettings(dataDir, runtimeDir, keycloakHome, devData, ports, serviceEnv, maxHeap,
                IntStream.range(1, nodes(Integer.toString(nodes))).mapToObj(node -> NodePorts.free()).toList(),
                keycloakCluster && nodes > 1);
    }

    /** How many nodes of Keycloak, consent-service and vault-service run. */
    public int nodes() {
        return 1 + moreNodes.size();
    }

    /**
     * The Keycloak, consent-service and vault-service ports of another node. The second one's are, unless the caller
     * chose others, the first one's plus 100 (8180, 9180, 8181, 9181, 8182, 9182), the third one's plus 200, and so on.
     */
    public record NodePorts(int consent, int consentManagement, int vault, int vaultManagement, int keycloak,
            int keycloakManagement) {

        static NodePorts after(Ports first, int node) {
            int shift = 100 * (node - 1);
            return new NodePorts(first.consent() + shift, first.consentManagement() + shift, first.vault() + shift,
                    first.vaultManagement() + shift, first.keycloak() + shift, first.keycloakManagement() + shift);
        }

        static NodePorts free() {
            Set<Integer> drawn = new LinkedHashSet<>();
            while (drawn.size() < 6) {
                drawn.add(Ports.freePort());
            }
            int[] p = drawn.stream().mapToInt(Integer::intValue).toArray();
            return new NodePorts(p[0], p[1], p[2], p[3], p[4], p[5]);
        }

        /** This node's Keycloak; the issuer stays the first node's address. */
        public String keycloakUrl() {
            return "http://localhost:" + keycloak;
        }

        public String vaultUrl() {
            return "http://localhost:" + vault;
        }

        public String consentUrl() {
            return "http://localhost:" + consent;
        }
    }

    private static int nodes(String text) {
        int nodes;
        try {
            nodes = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            nodes = 0;
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("Le nombre d'instances (--nodes ou CIVIS_NODES) doit être entre 1 et "
                    + MAX_NODES + ", pas « " + text + " ».");
        }
        return nodes;
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
        static int freePort() {
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
        Ports ports = Ports.from(env);
        int nodes = nodes(valueOr(env.apply("CIVIS_NODES"), "1"));
        return new PlatformSettings(dataDir, runtimeDir, runtimeDir.resolveSibling("keycloak"), devData, ports,
                Map.of(), Map.of(), IntStream.rangeClosed(2, nodes)
                        .mapToObj(node -> NodePorts.after(ports, node)).toList(), nodes > 1);
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
