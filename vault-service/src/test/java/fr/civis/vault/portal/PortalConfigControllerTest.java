package fr.civis.vault.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.vault.document.DocumentLimits;

/** The portal learns the document types and the size limit from the server, which alone decides them. */
class PortalConfigControllerTest {

    @Test
    void publishesTheServersDocumentTypesAndSizeLimit() {
        var controller = new PortalConfigController(
                new PortalProperties("civis-portal", URI.create("http://localhost:8081/"), "Ville de Civis"),
                new CivisSecurityProperties(URI.create("http://localhost:8080/realms/civis"), "civis-vault", null,
                        Duration.ofSeconds(30), Duration.ofMinutes(5), List.of()),
                new DocumentLimits(DataSize.ofMegabytes(20), DataSize.ofMegabytes(500), 200, DataSize.ofMegabytes(4), 50_000_000,
                        java.time.Duration.ofSeconds(10)));

        var documents = controller.config().documents();

        assertThat(documents.types()).startsWith("piece-identite", "justificatif-domicile").endsWith("autre");
        assertThat(documents.maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(controller.config().authorizationEndpoint())
                .isEqualTo("http://localhost:8080/realms/civis/protocol/openid-connect/auth");
    }
}
