package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * The vault's master key in a real PKCS#11 token, SoftHSM2, on the real platform (README « Clé maîtresse dans un
 * HSM »): the vault generates it inside the token at first start and documents go in and out; then the token loses
 * the key while the vault runs: uploads and downloads answer 503 {@code keys-unavailable} (problem+json, in French)
 * and write nothing, no document row, no object, not even a newcomer's citizen key; the key back, the same vault
 * process serves again and every document opens with its SHA-256.
 *
 * <p>How the token goes away, from outside the vault's process. SoftHSM2 is a library loaded into the vault: there is
 * no connection to cut. What it does honour is its storage, a folder per token. Moving the whole token folder away
 * makes SoftHSM2 mark the token invalid for the rest of the process's life (version 2.6: {@code OSToken::index} never
 * validates a token again), so it cannot come back without a restart. Moving the key's object file away, together
 * with the token's {@code generation} file (without which SoftHSM2 re-reads the folder at every call), makes it drop
 * the key: the vault's handle is refused ({@code CKR_OBJECT_HANDLE_INVALID}), as with an HSM whose session was lost,
 * and the vault's new login (one {@code CIVIS_KEYS_PKCS11_RETRY_INTERVAL} after the failure) finds no key. Moving the
 * key's file back, SoftHSM2 lists the key again under a new handle, which the vault's next look-up finds.
 *
 * <p>On a platform of its own ({@code target/it-hsm-outage}, token folder in {@code target/it-hsm-outage/softhsm});
 * skipped, with a message, when SoftHSM2 is not installed (Debian: {@code apt-get install softhsm2}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HsmOutageIT {

    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    /** PINs of a throw-away token made by this test. */
    private static final String PIN = "it-user-pin-not-for-production";
    private static final String SO_PIN = "it-so-pin-not-for-production";
    private static final String KEY = "civis-hsm-1";
    private static final Duration RETRY = Duration.ofSeconds(1);

    private Platform platform;
    private Citizens citizens;
    /** The token's own folder, under SoftHSM2's token directory. */
    private Path token;
    /** Where the key's files wait while the token has lost them. */
    private Path aside;
    private String known;
    /** Documents stored, all of which must open at the end. */
    private final List<Stored> stored = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isReadable(LIBRARY), "SoftHSM2 is not installed (" + LIBRARY
                + " missing; Debian: apt-get install softhsm2): HsmOutageIT is skipped");
        Path softhsm = PlatformExtension.workFolder("it-hsm-outage").resolve("softhsm");
        Platform.deleteRecursively(softhsm);
        Path tokens = Files.createDirectories(softhsm.resolve("tokens"));
        aside = Files.createDirectories(softhsm.resolve("aside"));
        Path config = softhsm.resolve("softhsm2.conf");
        Files.writeString(config, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                + "log.level = ERROR\nslots.removable = false\n");
        ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "civis-it",
                "--so-pin", SO_PIN, "--pin", PIN).redirectErrorStream(true);
        init.environment().put("SOFTHSM2_CONF", config.toString());
        Process initialising = init.start();
        String output = new String(initialising.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(initialising.waitFor()).as("softhsm2-util --init-token: " + output).isZero();
        try (Stream<Path> folders = Files.list(tokens)) {
            token = folders.collect(onlyOne("token folder"));
        }

        platform = PlatformExtension.startPlatform("it-hsm-outage", Map.of(
                // Every service gets these; only the vault reads them.
                "SOFTHSM2_CONF", config.toString(),
                "CIVIS_KEYS_PKCS11_LIBRARY", LIBRARY.toString(),
                "CIVIS_KEYS_PKCS11_PIN", PIN,
                "CIVIS_KEYS_PKCS11_RETRY_INTERVAL", RETRY.toMillis() + "ms",
                // A fresh installation directly on the HSM: the vault generates its first master key there.
                "CIVIS_KEYS_STORE", "pkcs11",
                "CIVIS_KEYS_ALIAS", KEY), Map.of());
        citizens = new Citizens(platform);
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void theVaultsMasterKeyIsInTheTokenAndDocumentsGoInAndOut() throws Exception {
        assertThat(query("SELECT id || ' ' || store FROM master_key WHERE state = 'current'")).isEqualTo(KEY + " pkcs11");
        // One key object in the token besides the token's own: the master key, generated there.
        keyFiles();

        known = token("hsm.known");
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), known);
        for (int size : new int[] {150_000, 420_000}) {
            byte[] content = VaultApi.pdf(size);
            HttpResponse<String> created = vault.upload(content, "avant-" + size + ".pdf");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            stored.add(new Stored(vault, VaultApi.json(created).get("id").asString(), ClusterIT.sha256(content)));
        }
        assertEveryDocumentOpens();
    }

    @Test
    @Order(2)
    void withTheKeyGoneFromTheTokenUploadsAndDownloadsAnswer503AndWriteNothingThenServiceResumes() throws Exception {
        VaultApi vault = new VaultApi(platform.settings().portalUrl(), known);
        VaultApi newcomer = new VaultApi(platform.settings().portalUrl(), token("hsm.newcomer"));
        Stored document = stored.getFirst();
        long vaultProcess = platform.pid("vault-service");
        long rows = count("SELECT count(*) FROM document");
        long citizenKeys = count("SELECT count(*) FROM citizen_key");
        Set<String> objects = bucket();

        List<Path> keyFiles = keyFiles();
        for (Path file : keyFiles) {
            Files.move(file, aside.resolve(file.getFileName()));
        }
        Files.move(token.resolve("generation"), aside.resolve("generation"));

        // Refused at once, and still refused after the vault's new logins (one per retry interval) find no key.
        long until = System.nanoTime() + 3 * RETRY.toNanos();
        int refused = 0;
        do {
            assertKeysUnavailable(vault.upload(VaultApi.pdf(200_000 + refused), "pendant.pdf"));
            assertKeysUnavailable(newcomer.upload(VaultApi.pdf(100_000 + refused), "premier.pdf"));
            assertKeysUnavailable(vault.get("/api/v1/documents/" + document.id() + "/content"));
            refused += 3;
        } while (System.nanoTime() - until < 0);
        System.out.printf("[hsm-outage] %d uploads and downloads refused with 503 while the token had lost the key%n",
                refused);

        // Nothing half-written: no row, no object, no citizen key for the newcomer whose first upload was refused.
        assertThat(count("SELECT count(*) FROM document")).isEqualTo(rows);
        assertThat(count("SELECT count(*) FROM citizen_key")).isEqualTo(citizenKeys);
        assertThat(bucket()).isEqualTo(objects);

        for (Path file : keyFiles) {
            Files.move(aside.resolve(file.getFileName()), file);
        }
        // Downloads write nothing: retried until the vault's next look-up finds the key again, within a minute.
        long back = System.nanoTime();
        long deadline = back + Duration.ofMinutes(1).toNanos();
        int refusedSince = 0;
        HttpResponse<byte[]> download;
        while ((download = vault.download(document.id())).statusCode() != 200) {
            assertThat(download.statusCode()).isEqualTo(503);
            assertThat(System.nanoTime() - deadline).as("the vault found the key again within a minute").isNegative();
            refusedSince++;
            Thread.sleep(200);
        }
        System.out.printf("[hsm-outage] key back in the token: served again after %d ms, %d downloads refused meanwhile%n",
                Duration.ofNanos(System.nanoTime() - back).toMillis(), refusedSince);
        assertThat(ClusterIT.sha256(download.body())).isEqualTo(document.sha256());
        // The token folder as it was; SoftHSM2 has re-read it already.
        Files.move(aside.resolve("generation"), token.resolve("generation"));

        for (VaultApi api : List.of(vault, newcomer)) {
            byte[] content = VaultApi.pdf(300_000 + stored.size());
            HttpResponse<String> created = api.upload(content, "apres.pdf");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            stored.add(new Stored(api, VaultApi.json(created).get("id").asString(), ClusterIT.sha256(content)));
        }
        assertThat(count("SELECT count(*) FROM citizen_key")).isEqualTo(citizenKeys + 1);
        assertEveryDocumentOpens();
        assertThat(platform.pid("vault-service")).as("the same vault process, never restarted").isEqualTo(vaultProcess);
    }

    private static void assertKeysUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = VaultApi.json(response);
        assertThat(problem.get("code").asString()).isEqualTo("keys-unavailable");
        assertThat(problem.get("title").asString()).isEqualTo("Coffre momentanément indisponible");
        assertThat(problem.get("detail").asString()).startsWith("Le service de clés ne répond pas");
    }

    /** Every stored document opens, whole, for its owner. */
    private void assertEveryDocumentOpens() throws Exception {
        for (Stored document : stored) {
            HttpResponse<byte[]> download = document.owner().download(document.id());
            assertThat(download.statusCode()).as(document.id()).isEqualTo(200);
            assertThat(ClusterIT.sha256(download.body())).as(document.id()).isEqualTo(document.sha256());
        }
    }

    /** The key's object file and its lock: the token's only object besides the token's own. */
    private List<Path> keyFiles() throws IOException {
        Path object;
        try (Stream<Path> files = Files.list(token)) {
            object = files.filter(file -> file.getFileName().toString().endsWith(".object"))
                    .filter(file -> !file.getFileName().toString().equals("token.object"))
                    .collect(onlyOne("key object in the token"));
        }
        String name = object.getFileName().toString();
        Path lock = token.resolve(name.substring(0, name.length() - ".object".length()) + ".lock");
        assertThat(lock).exists();
        return List.of(object, lock);
    }

    private String token(String username) throws Exception {
        citizens.create(username);
        return citizens.token(username);
    }

    /** Every file in s3proxy's folder for the bucket (its filesystem backend). */
    private Set<String> bucket() throws IOException {
        Path bucket = platform.settings().dataDir().resolve("s3/civis-vault");
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).map(file -> bucket.relativize(file).toString())
                    .collect(Collectors.toSet());
        }
    }

    private long count(String sql) throws Exception {
        return Long.parseLong(query(sql));
    }

    private String query(String sql) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/vault";
        try (Connection connection = DriverManager.getConnection(url, "vault",
                platform.secrets().databasePassword("vault"));
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as(sql + ": one row").isFalse();
            return value;
        }
    }

    private record Stored(VaultApi owner, String id, String sha256) {
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyOne(String what) {
        return Collectors.collectingAndThen(Collectors.toList(), found -> {
            assertThat(found).as(what).hasSize(1);
            return found.getFirst();
        });
    }
}
