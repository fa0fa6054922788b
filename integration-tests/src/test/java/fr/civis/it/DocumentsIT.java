package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/** The document safe on the real platform: Keycloak tokens, PostgreSQL rows, sealed objects in S3. */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentsIT {

    private static final int MIB = 1024 * 1024;

    private Platform platform;
    private Citizens citizens;

    @BeforeAll
    void citizens(Platform platform) throws Exception {
        this.platform = platform;
        this.citizens = new Citizens(platform);
    }

    private VaultApi as(String username) throws Exception {
        citizens.create(username);
        return new VaultApi(platform.settings().portalUrl(), citizens.token(username));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = VaultApi.json(response);
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    @Test
    void roundTripIsByteIdenticalAndTheStoreHoldsOnlyCiphertext() throws Exception {
        VaultApi camille = as("doc.roundtrip");
        for (int size : new int[] {MIB, 20 * MIB}) {
            byte[] content = VaultApi.pdf(size);
            Set<Path> before = StoredObjects.of(platform);
            HttpResponse<String> created = camille.upload(content, "facture-edf.pdf");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode document = VaultApi.json(created);
            assertThat(document.get("size").asLong()).isEqualTo(size);
            assertThat(document.get("contentType").asString()).isEqualTo("application/pdf");
            assertThat(document.get("filename").asString()).isEqualTo("facture-edf.pdf");
            assertThat(document.get("title").asString()).isEqualTo("Facture d'électricité");
            // The upload answers from what it sealed; the stored, sealed fields must open to the same.
            assertThat(VaultApi.json(camille.get("/api/v1/documents/" + document.get("id").asString())))
                    .isEqualTo(document);

            HttpResponse<byte[]> download = camille.download(document.get("id").asString());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(content);
            assertThat(download.headers().firstValue("Content-Type")).hasValue("application/pdf");
            assertThat(download.headers().firstValue("Repr-Digest")).hasValue("sha-256=:"
                    + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content)) + ":");
            assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
                    .startsWith("attachment").contains("facture-edf.pdf");

            Set<Path> added = StoredObjects.of(platform);
            added.removeAll(before);
            assertThat(added).hasSize(1);
            Path object = added.iterator().next();
            assertThat(object.getFileName().toString()).matches("[0-9a-f]{32}");
            byte[] sealed = Files.readAllBytes(object);
            assertThat(sealed.length).isGreaterThan(size);
            assertThat(new String(sealed, 0, 64, StandardCharsets.ISO_8859_1)).doesNotContain("%PDF");
        }
    }

    @Test
    void aDocumentOverTheLimitIsRefusedWith413AndLeavesNothing() throws Exception {
        VaultApi camille = as("doc.toolarge");
        Set<Path> before = StoredObjects.of(platform);
        HttpResponse<String> refused = camille.upload(VaultApi.pdf(20 * MIB + 1), "gros.pdf");
        assertProblem(refused, 413, "document-too-large");
        assertThat(VaultApi.json(refused).get("detail").asString()).contains("20 Mo");
        assertThat(StoredObjects.of(platform)).isEqualTo(before);
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
    }

    @Test
    void anEmptyFileIsRefusedWith400AndSaysSo() throws Exception {
        VaultApi camille = as("doc.empty");
        Set<Path> before = StoredObjects.of(platform);
        assertProblem(camille.upload(new byte[0], "vide.pdf"), 400, "document-empty");
        assertThat(StoredObjects.of(platform)).isEqualTo(before);
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
    }

    @Test
    void anExecutableNamedPdfIsRefusedWith415() throws Exception {
        VaultApi camille = as("doc.executable");
        byte[] elf = new byte[4096];
        System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, 0, elf, 0, 8);
        assertProblem(camille.upload(elf, "attestation.pdf"), 415, "unsupported-document-type");
        byte[] windows = new byte[4096];
        windows[0] = 'M';
        windows[1] = 'Z';
        assertProblem(camille.upload(windows, "rib.pdf"), 415, "unsupported-document-type");
    }

    /** The standard antivirus test file: harmless, detected by every antivirus. */
    private static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void theEicarTestFileIsRefusedAndLeavesNoObjectAndNoRow() throws Exception {
        VaultApi camille = as("doc.eicar");
        Set<Path> before = StoredObjects.of(platform);
        assertProblem(camille.upload(EICAR, "attestation.pdf"), 422, "document-infected");

        // Hidden inside an otherwise acceptable PDF, too.
        byte[] pdf = VaultApi.pdf(50_000);
        System.arraycopy(EICAR, 0, pdf, 20_000, EICAR.length);
        assertProblem(camille.upload(pdf, "quittance.pdf"), 422, "document-infected");

        assertThat(StoredObjects.of(platform)).isEqualTo(before);
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
    }

    @Test
    void aFilenameCarryingAPathIsRefused() throws Exception {
        VaultApi camille = as("doc.traversal");
        for (String name : new String[] {"../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/cron.d/x.pdf"}) {
            assertProblem(camille.upload(VaultApi.pdf(2048), name), 400, "invalid-filename");
        }
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isZero();
    }

    @Test
    void overTheQuotaIsRefusedWith409() throws Exception {
        VaultApi camille = as("doc.quota");
        // The test platform gives each citizen 30 MB.
        assertThat(camille.upload(VaultApi.pdf(20 * MIB), "a.pdf").statusCode()).isEqualTo(201);
        Set<Path> before = StoredObjects.of(platform);
        HttpResponse<String> refused = camille.upload(VaultApi.pdf(11 * MIB), "b.pdf");
        assertProblem(refused, 409, "quota-exceeded");
        // The limits in force, not the defaults: 30 MB here.
        assertThat(VaultApi.json(refused).get("detail").asString()).contains("30 Mo").contains("n'avez");
        assertThat(StoredObjects.of(platform)).isEqualTo(before);
    }

    @Test
    void theSameUploadSentTwiceWithOneIdempotencyKeyMakesOneDocument() throws Exception {
        VaultApi camille = as("doc.idempotent");
        byte[] content = VaultApi.pdf(300_000);
        String key = UUID.randomUUID().toString();
        Map<String, String> fields = Map.of("type", "rib", "title", "RIB");
        HttpResponse<String> first = camille.upload(content, "rib.pdf", fields, key);
        HttpResponse<String> second = camille.upload(content, "rib.pdf", fields, key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isIn(200, 201);
        assertThat(VaultApi.json(second).get("id").asString()).isEqualTo(VaultApi.json(first).get("id").asString());
        assertThat(VaultApi.json(camille.get("/api/v1/documents")).get("totalItems").asLong()).isEqualTo(1);
    }

    @Test
    void anotherCitizenGets404OnEveryEndpoint() throws Exception {
        VaultApi alice = as("doc.alice");
        VaultApi bob = as("doc.bob");
        String id = VaultApi.json(alice.upload(VaultApi.pdf(4096), "acte.pdf")).get("id").asString();

        assertProblem(bob.get("/api/v1/documents/" + id), 404, "document-not-found");
        HttpResponse<byte[]> content = bob.download(id);
        assertThat(content.statusCode()).isEqualTo(404);
        assertProblem(bob.patch(id, "{\"title\":\"À moi\"}"), 404, "document-not-found");
        assertProblem(bob.delete(id), 404, "document-not-found");
        assertThat(VaultApi.json(bob.get("/api/v1/documents")).get("totalItems").asLong()).isZero();

        HttpResponse<String> stillThere = alice.get("/api/v1/documents/" + id);
        assertThat(stillThere.statusCode()).isEqualTo(200);
        assertThat(VaultApi.json(stillThere).get("title").asString()).isEqualTo("Facture d'électricité");
    }

    @Test
    void aFlippedByteInTheStoreIsDetectedAndNoPlaintextIsServed() throws Exception {
        VaultApi camille = as("doc.tampered");
        Set<Path> before = StoredObjects.of(platform);
        byte[] content = VaultApi.pdf(200_000);
        String id = VaultApi.json(camille.upload(content, "avis.pdf")).get("id").asString();
        StoredObjects.flipAByte(StoredObjects.addedSince(platform, before), 1, 2);

        HttpResponse<byte[]> download = camille.download(id);
        assertThat(download.statusCode()).isEqualTo(500);
        assertThat(download.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        String body = new String(download.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("document-corrupted").doesNotContain("%PDF");
    }

    @Test
    void aFlippedByteInALargeDocumentCutsItsDownloadShortAtOnce() throws Exception {
        // Above civis.documents.verify-before-sending (4 MB), a document is checked as it streams: the first bytes have
        // left when the flipped one is met, and the connection is closed there, short of the Content-Length.
        VaultApi camille = as("doc.tampered.large");
        Set<Path> before = StoredObjects.of(platform);
        byte[] content = VaultApi.pdf(6 * MIB);
        String id = VaultApi.json(camille.upload(content, "releve.pdf")).get("id").asString();
        StoredObjects.flipAByte(StoredObjects.addedSince(platform, before), 3, 4);

        assertCutShort(camille, id, content);
    }

    @Test
    void aLargeDocumentThatDoesNotMatchItsDigestNeverArrivesWhole() throws Exception {
        // Every segment opens, but the digest recorded at upload is not the plaintext's: the check can only end once
        // every byte is read, so the last ones wait for it, and the reader never holds the document whole.
        VaultApi camille = as("doc.tampered.digest");
        byte[] content = VaultApi.pdf(6 * MIB);
        String id = VaultApi.json(camille.upload(content, "releve.pdf")).get("id").asString();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                        + platform.settings().ports().postgres() + "/vault", "vault",
                platform.secrets().databasePassword("vault"));
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE document SET sha256 = ? WHERE id = ?")) {
            update.setBytes(1, MessageDigest.getInstance("SHA-256").digest("autre chose".getBytes(StandardCharsets.UTF_8)));
            update.setObject(2, UUID.fromString(id));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertCutShort(camille, id, content);
    }

    /**
     * The download begins (200, the whole length announced) and fails: the connection ends short of that length, as
     * soon as the vault knows, not after Tomcat's keep-alive timeout (a minute), and what came is the document's
     * beginning.
     */
    private static void assertCutShort(VaultApi api, String id, byte[] content) throws Exception {
        HttpResponse<InputStream> download = api.stream("/api/v1/documents/" + id + "/content");
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
        VaultApi.Transfer transfer = VaultApi.readToTheEnd(download);
        assertThat(transfer.failure()).as("the transfer fails").isNotNull();
        assertThat(transfer.received().length).isLessThan(content.length);
        assertThat(transfer.received()).isEqualTo(Arrays.copyOf(content, transfer.received().length));
        assertThat(transfer.took()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void renameRetypeExpireThenDelete() throws Exception {
        VaultApi camille = as("doc.lifecycle");
        Set<Path> before = StoredObjects.of(platform);
        String id = VaultApi.json(camille.upload(VaultApi.pdf(10_000), "cni.pdf")).get("id").asString();

        JsonNode updated = VaultApi.json(camille.patch(id,
                "{\"title\":\"Carte d'identité\",\"type\":\"piece-identite\",\"validUntil\":\"2020-01-31\"}"));
        assertThat(updated.get("title").asString()).isEqualTo("Carte d'identité");
        assertThat(updated.get("type").asString()).isEqualTo("piece-identite");
        assertThat(updated.get("expired").asBoolean()).isTrue();

        JsonNode listed = VaultApi.json(camille.get("/api/v1/documents?type=piece-identite"));
        assertThat(listed.get("totalItems").asLong()).isEqualTo(1);
        assertThat(listed.get("items").get(0).get("expired").asBoolean()).isTrue();
        assertThat(VaultApi.json(camille.get("/api/v1/documents?type=rib")).get("totalItems").asLong()).isZero();

        assertProblem(camille.patch(id, "{\"type\":\"passeport-martien\"}"), 400, "invalid-document-type");
        assertProblem(camille.patch(id, "{\"title\":\"  \"}"), 400, "invalid-title");

        assertThat(camille.delete(id).statusCode()).isEqualTo(204);
        assertProblem(camille.get("/api/v1/documents/" + id), 404, "document-not-found");
        assertThat(StoredObjects.of(platform)).isEqualTo(before);
    }
}
