package fr.civis.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlatformSettingsTest {

    private static PlatformSettings settings(Map<String, String> env) {
        return PlatformSettings.fromEnvironment(Path.of("/opt/civis/launcher/target/runtime"), env::get);
    }

    @Test
    void documentedDefaults() {
        PlatformSettings settings = settings(Map.of());

        assertThat(settings.ports().keycloak()).isEqualTo(8080);
        assertThat(settings.ports().vault()).isEqualTo(8082);
        assertThat(settings.ports().postgres()).isEqualTo(5433);
        assertThat(settings.mairieDemoUrl()).isEqualTo("http://localhost:8090");
        assertThat(settings.issuer()).isEqualTo("http://localhost:8080/realms/civis");
        assertThat(settings.devData()).isTrue();
        assertThat(settings.keycloakHome()).isEqualTo(Path.of("/opt/civis/launcher/target/keycloak"));
    }

    @Test
    void portsAndDataFolderComeFromTheEnvironment() {
        PlatformSettings settings = settings(Map.of("CIVIS_PORT_KEYCLOAK", "18080", "CIVIS_PORT_VAULT", " 18082 ",
                "CIVIS_DATA_DIR", "/srv/civis", "CIVIS_DEMO_DATA", "false"));

        assertThat(settings.issuer()).isEqualTo("http://localhost:18080/realms/civis");
        assertThat(settings.portalUrl()).isEqualTo("http://localhost:18082");
        assertThat(settings.dataDir()).isEqualTo(Path.of("/srv/civis"));
        assertThat(settings.devData()).isFalse();
    }

    @Test
    void aPortThatIsNotOneIsRefusedWithItsName() {
        assertThatThrownBy(() -> settings(Map.of("CIVIS_PORT_S3", "neuf-mille")))
                .hasMessageContaining("CIVIS_PORT_S3").hasMessageContaining("neuf-mille");
        assertThatThrownBy(() -> settings(Map.of("CIVIS_PORT_SMTP", "70000"))).hasMessageContaining("CIVIS_PORT_SMTP");
    }

    @Test
    void freePortsAreDistinct() {
        var ports = PlatformSettings.Ports.free();
        assertThat(List.of(ports.postgres(), ports.s3(), ports.smtp(), ports.imap(), ports.mailWeb(), ports.clamd(),
                ports.keycloak(), ports.keycloakManagement(), ports.consent(), ports.consentManagement(), ports.vault(),
                ports.vaultManagement())).doesNotHaveDuplicates();
    }

    @Test
    void servicesRunAtTheDefaultHeapUnlessTestsSayOtherwise() {
        PlatformSettings defaults = settings(Map.of());
        assertThat(defaults.maxHeap("vault-service")).isEqualTo("384m");
        PlatformSettings small = new PlatformSettings(Path.of("/d"), Path.of("/r"), Path.of("/k"), true,
                defaults.ports(), Map.of(), Map.of("vault-service", "256m"));
        assertThat(small.maxHeap("vault-service")).isEqualTo("256m");
        assertThat(small.maxHeap("consent-service")).isEqualTo("384m");
        assertThatThrownBy(() -> new PlatformSettings(Path.of("/d"), Path.of("/r"), Path.of("/k"), true,
                defaults.ports(), Map.of(), Map.of("vault-service", "-Xmx256m")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneNodeUnlessTheEnvironmentAsksForMore() {
        assertThat(settings(Map.of()).nodes()).isEqualTo(1);
        assertThat(settings(Map.of()).moreNodes()).isEmpty();
        assertThat(settings(Map.of()).keycloakCluster()).isFalse();

        PlatformSettings two = settings(Map.of("CIVIS_NODES", "2", "CIVIS_PORT_VAULT", "18082"));
        assertThat(two.nodes()).isEqualTo(2);
        assertThat(two.keycloakCluster()).isTrue();
        var second = two.moreNodes().getFirst();
        assertThat(second.vault()).isEqualTo(18182);
        assertThat(second.vaultManagement()).isEqualTo(9182);
        assertThat(second.consentUrl()).isEqualTo("http://localhost:8181");
        assertThat(second.keycloakUrl()).isEqualTo("http://localhost:8180");
        assertThat(second.keycloakManagement()).isEqualTo(9180);
        // One issuer for every node: the first Keycloak's.
        assertThat(two.issuer()).isEqualTo("http://localhost:8080/realms/civis");
        // The portal stays on the first instance.
        assertThat(two.portalUrl()).isEqualTo("http://localhost:18082");

        assertThatThrownBy(() -> settings(Map.of("CIVIS_NODES", "deux"))).hasMessageContaining("CIVIS_NODES")
                .hasMessageContaining("deux");
        assertThatThrownBy(() -> settings(Map.of("CIVIS_NODES", "0"))).hasMessageContaining("entre 1 et");
    }

    @Test
    void moreNodesOnFreePortsDistinctFromTheFirst() {
        PlatformSettings settings = new PlatformSettings(Path.of("/d"), Path.of("/r"), Path.of("/k"), true,
                PlatformSettings.Ports.free(), Map.of()).withNodesOnFreePorts(2, false);
        assertThat(settings.keycloakCluster()).isFalse();
        var second = settings.moreNodes().getFirst();
        assertThat(List.of(second.consent(), second.consentManagement(), second.vault(), second.vaultManagement(),
                second.keycloak(), second.keycloakManagement(), settings.ports().vault(), settings.ports().consent(),
                settings.ports().keycloak())).doesNotHaveDuplicates();
    }
}
