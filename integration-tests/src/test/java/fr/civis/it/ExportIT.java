package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/** The whole safe in one ZIP: every document byte-identical, its metadata, a manifest that proves it. */
@ExtendWith(PlatformExtension.class)
class ExportIT {

    @Test
    void theExportHoldsEveryDocumentByteIdenticalWithAManifestOfTheirHashes(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        // Exporting demands a second factor (eidas2).
        VaultApi camille = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token("export.camille"));
        Map<String, byte[]> uploaded = new HashMap<>();
        for (var sample : List.of(Map.entry("avis-imposition.pdf", 5 * 1024 * 1024), Map.entry("rib.pdf", 1),
                Map.entry("acte.pdf", 70_000))) {
            byte[] content = VaultApi.pdf(Math.max(sample.getValue(), 16));
            assertThat(camille.upload(content, sample.getKey()).statusCode()).isEqualTo(201);
            uploaded.put(sample.getKey(), content);
        }

        HttpResponse<byte[]> export = camille.getBytes("/api/v1/me/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(export.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");

        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(export.body()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        for (var document : uploaded.entrySet()) {
            String path = entries.keySet().stream().filter(name -> name.endsWith("-" + document.getKey()))
                    .findFirst().orElseThrow(() -> new AssertionError(document.getKey() + " missing from " + entries.keySet()));
            assertThat(entries.get(path)).isEqualTo(document.getValue());
            JsonNode metadata = KeycloakClient.JSON.readTree(entries.get(path + ".json"));
            assertThat(metadata.get("sha256").asString()).isEqualTo(sha256(document.getValue()));
        }

        JsonNode manifest = KeycloakClient.JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.get("documentCount").asInt()).isEqualTo(3);
        // Each document and its metadata, then the consents part (consent-service's records, or a note saying it did
        // not answer).
        List<String> paths = new ArrayList<>();
        manifest.get("files").forEach(file -> paths.add(file.get("path").asString()));
        assertThat(paths).filteredOn(path -> path.startsWith("documents/")).hasSize(6);
        assertThat(paths).filteredOn(path -> path.startsWith("consentements/")).isNotEmpty();
        for (JsonNode file : manifest.get("files")) {
            byte[] content = entries.get(file.get("path").asString());
            assertThat(content).as(file.get("path").asString()).isNotNull();
            assertThat(file.get("size").asLong()).isEqualTo(content.length);
            assertThat(file.get("sha256").asString()).isEqualTo(sha256(content));
        }
        assertThat(entries).containsKey("LISEZ-MOI.txt");
    }

    @Test
    void anotherCitizensExportHoldsNoneOfThem(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        VaultApi alice = new VaultApi(platform.settings().portalUrl(), citizens.token(citizens.create("export.alice")));
        VaultApi bob = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token("export.bob"));
        assertThat(alice.upload(VaultApi.pdf(10_000), "secret.pdf").statusCode()).isEqualTo(201);

        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bob.getBytes("/api/v1/me/export").body()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        assertThat(entries.keySet()).contains("manifest.json", "LISEZ-MOI.txt")
                .noneMatch(name -> name.startsWith("documents/"));
    }

    @Test
    void anExportThatFailsHalfWayFailsForItsReaderInsteadOfEndingAsAShorterArchive(Platform platform)
            throws Exception {
        Citizens citizens = new Citizens(platform);
        VaultApi camille = new VaultApi(platform.settings().portalUrl(), citizens.eidas2Token("export.cut"));
        for (String filename : List.of("acte.pdf", "releve.pdf")) {
            Set<Path> before = StoredObjects.of(platform);
            assertThat(camille.upload(VaultApi.pdf(6 * 1024 * 1024), filename).statusCode()).isEqualTo(201);
            if (filename.equals("releve.pdf")) {
                StoredObjects.flipAByte(StoredObjects.addedSince(platform, before), 3, 4);
            }
        }

        HttpResponse<InputStream> export = camille.stream("/api/v1/me/export");
        assertThat(export.statusCode()).isEqualTo(200);
        VaultApi.Transfer transfer = VaultApi.readToTheEnd(export);

        // Ended the ordinary way, the archive would have been a well-formed ZIP without the rest of the safe.
        assertThat(transfer.failure()).as("the transfer fails").isNotNull();
        assertThat(transfer.took()).isLessThan(Duration.ofSeconds(20));
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(transfer.received()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                names.add(entry.getName());
                zip.readAllBytes();
            }
        } catch (IOException unfinished) {
            // What a ZIP tool says of a cut archive.
        }
        assertThat(names).doesNotContain("manifest.json", "LISEZ-MOI.txt");
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
