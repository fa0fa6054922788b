package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import fr.civis.launcher.Platform;

/** What the launcher promises: every part up, each service on its own migrated database, metrics, OpenAPI. */
@ExtendWith(PlatformExtension.class)
class PlatformIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @CsvSource({"consent", "vault"})
    void eachServiceRanItsMigrationsOnItsOwnDatabase(String database, Platform platform) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/" + database;
        try (Connection connection = DriverManager.getConnection(url, database, platform.secrets().databasePassword(database));
                ResultSet migrations = connection.createStatement()
                        .executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            assertThat(migrations.next()).isTrue();
            assertThat(migrations.getString("version")).isEqualTo("1");
            assertThat(migrations.getBoolean("success")).isTrue();
        }
    }

    @Test
    void servicesPublishHealthAndPrometheusMetricsOnTheirManagementPort(Platform platform) throws Exception {
        var ports = platform.settings().ports();
        // Requests through the security filters (refused: no token), observed as requests, not filter by filter.
        for (String service : new String[] {platform.settings().portalUrl(), platform.settings().consentUrl()}) {
            assertThat(get(service + "/api/v1/me").statusCode()).isEqualTo(401);
        }
        for (int management : new int[] {ports.consentManagement(), ports.vaultManagement()}) {
            assertThat(get("http://127.0.0.1:" + management + "/actuator/health").body()).contains("\"UP\"");
            HttpResponse<String> metrics = get("http://127.0.0.1:" + management + "/actuator/prometheus");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_threads_live_threads").contains("http_server_requests_seconds")
                    .doesNotContain("spring_security_");
        }
    }

    @Test
    void metricsAreNotServedOnThePublicPort(Platform platform) throws Exception {
        assertThat(get(platform.settings().portalUrl() + "/actuator/prometheus").statusCode()).isEqualTo(401);
    }

    @Test
    void servicesDescribeTheirApiInOpenApi(Platform platform) throws Exception {
        for (String service : new String[] {platform.settings().portalUrl(), platform.settings().consentUrl()}) {
            HttpResponse<String> apiDocs = get(service + "/v3/api-docs");
            assertThat(apiDocs.statusCode()).isEqualTo(200);
            assertThat(apiDocs.body()).contains("/api/v1/me").contains("bearer");
        }
    }

    @Test
    void keycloakServesTheCivisRealmInFrench(Platform platform) throws Exception {
        HttpResponse<String> discovery = get(platform.settings().issuer() + "/.well-known/openid-configuration");
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"issuer\":\"" + platform.settings().issuer() + "\"");
        assertThat(get(platform.settings().keycloakUrl() + "/realms/civis/account").statusCode()).isLessThan(500);
    }

    @Test
    void mailCatcherAndObjectStoreAnswer(Platform platform) throws Exception {
        assertThat(get(platform.settings().mailWebUrl() + "/api/service/readiness").statusCode()).isEqualTo(200);
        // An unsigned request to S3 is refused: the server is up and checks signatures.
        assertThat(get(platform.settings().s3Url() + "/").statusCode()).isEqualTo(403);
    }

    @Test
    void secretsAreReadableByTheirOwnerOnly(Platform platform) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(platform.secrets().file())))
                .isEqualTo("rw-------");
    }
}
