package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;
import fr.civis.launcher.Secrets;
import tools.jackson.databind.JsonNode;

/**
 * The DPO's console on the real platform: consent-service serves the page and its API; the vault's real service token
 * writes consents, accesses and denials into the journal; a DPO enrolled in an authenticator app signs in through
 * Keycloak in Chromium at eidas2, searches (citizens under pseudonyms), reveals one with a reason (journaled),
 * exports CSV and verifies the journal. Anyone else is refused: a citizen 403, a DPO at eidas1 the RFC 9470 challenge.
 */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpoConsoleIT extends BrowserTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    private static final String DPO = "dpo.console";
    private static final String CITIZEN = "dpo.habitante";
    private static final String OTHER = "dpo.habitant";

    private Platform platform;
    private Citizens citizens;
    private HttpLogin dpo;
    private String dpoEidas1;
    private String dpoEidas2;
    private String citizenSub;
    private long accessEntry;

    @BeforeAll
    void journalAndDpo(Platform platform) throws Exception {
        this.platform = platform;
        this.citizens = new Citizens(platform);
        KeycloakClient keycloak = citizens.keycloak();
        citizens.create(CITIZEN);
        citizens.create(OTHER);
        citizenSub = keycloak.get("/realms/civis/users?exact=true&username=" + CITIZEN).get(0).get("id").asString();
        String otherSub = keycloak.get("/realms/civis/users?exact=true&username=" + OTHER).get(0).get("id").asString();

        // What the vault writes when a citizen shares a paper and the service fetches it, and when a service asks
        // for a paper under another service's consent.
        String vault = keycloak.token("civis", Map.of("grant_type", "client_credentials", "client_id", "civis-vault",
                "client_secret", platform.secrets().get(Secrets.VAULT_CLIENT_SECRET)));
        UUID document = UUID.randomUUID();
        JsonNode consent = json(call("POST", "/api/v1/consents", vault, Map.of("subject", citizenSub,
                "recipient", "mairie-demo", "purpose", "inscription-creche", "documentTypes",
                List.of("justificatif-domicile"), "documentIds", List.of(document.toString()), "duration", "P30D",
                "collectionMethod", "citizen-initiative")), 201);
        accessEntry = json(call("POST", "/api/v1/accesses", vault, Map.of("consentId", consent.get("id").asString(),
                "recipient", "mairie-demo", "documentId", document.toString(), "digest", DIGEST)), 201)
                .get("entryId").asLong();
        UUID water = UUID.randomUUID();
        JsonNode other = json(call("POST", "/api/v1/consents", vault, Map.of("subject", otherSub,
                "recipient", "partenaire-eau", "purpose", "ouverture-abonnement", "documentTypes",
                List.of("piece-identite"), "documentIds", List.of(water.toString()), "duration", "P7D",
                "collectionMethod", "citizen-initiative")), 201);
        assertThat(call("POST", "/api/v1/accesses", vault, Map.of("consentId", other.get("id").asString(),
                "recipient", "mairie-demo", "documentId", water.toString(), "digest", DIGEST)).statusCode())
                .isEqualTo(403);

        dpo = citizens.staff(DPO, "dpo");
        dpoEidas1 = dpo.accessToken(null);
        dpoEidas2 = dpo.accessToken("eidas2");
    }

    @Test
    void only_a_dpo_at_eidas2_reads_the_console_api() throws Exception {
        assertThat(HttpLogin.claims(dpoEidas1).get("acr").asString()).isEqualTo("eidas1");
        assertThat(HttpLogin.claims(dpoEidas2).get("acr").asString()).isEqualTo("eidas2");

        HttpResponse<String> citizen = call("GET", "/api/v1/dpo/entries", citizens.token(CITIZEN), null);
        assertThat(citizen.statusCode()).isEqualTo(403);
        assertThat(citizen.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
        assertThat(json(citizen, 403).get("code").asString()).isEqualTo("caller-not-allowed");

        HttpResponse<String> weak = call("GET", "/api/v1/dpo/entries", dpoEidas1, null);
        assertThat(weak.statusCode()).isEqualTo(401);
        assertThat(weak.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_user_authentication\"").contains("acr_values=\"eidas2\"");
        for (String path : List.of("/api/v1/dpo/entries/export?format=csv", "/api/v1/dpo/journal")) {
            assertThat(call("GET", path, dpoEidas1, null).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(call("POST", "/api/v1/dpo/reveals", dpoEidas1, Map.of("entryId", accessEntry,
                "reason", "Contrôle de la CNIL du 3 décembre")).statusCode()).isEqualTo(401);

        HttpResponse<String> strong = call("GET", "/api/v1/dpo/entries?outcome=denied", dpoEidas2, null);
        JsonNode entries = json(strong, 200).get("entries");
        assertThat(entries.size()).isPositive();
        entries.forEach(entry -> assertThat(entry.get("kind").asString()).isIn("denial", "refusal"));
        assertThat(strong.body()).doesNotContain(citizenSub);

        JsonNode invalid = json(call("GET", "/api/v1/dpo/entries?from=2026-13-01", dpoEidas2, null), 400);
        assertThat(invalid.get("code").asString()).isEqualTo("dpo-search-invalid");
        assertThat(invalid.get("detail").asString()).contains("critère");
    }

    @Test
    void the_dpo_searches_reveals_exports_and_verifies_in_chromium() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(console())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("style-src 'self'").doesNotContain("unsafe-inline");

        browser.get(console());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button")));
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("login-button")).click();
        LoginFlow login = new LoginFlow(platform, browser);
        login.password(DPO, Citizens.PASSWORD);
        login.submit("otp", dpo.totp().freshCode(), "kc-login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("console")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-status"), "entrée"));

        // Search: the service's consents and accesses, the citizen under a pseudonym only.
        type("search-recipient", "mairie-demo");
        browser.findElement(By.id("search-button")).click();
        // The first search (everything) also showed partenaire-eau's consent: wait for the list of this search.
        wait.ignoring(StaleElementReferenceException.class).until(driver -> {
            List<WebElement> titles = driver.findElements(By.cssSelector("#results .item-title"));
            return !titles.isEmpty() && titles.stream().allMatch(title -> title.getText().endsWith("mairie-demo"));
        });
        WebElement access = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#results li[data-entry='" + accessEntry + "']")));
        assertThat(browser.getPageSource()).doesNotContain(citizenSub);
        String pseudonym = fact(access, "Habitant (pseudonyme)");
        assertThat(pseudonym).matches("P-[0-9a-f]{20}");
        Accessibility.assertNoSeriousViolation(browser);

        // Reveal: a reason is required; the identity is shown, and the reveal is in the journal with its reason.
        access.findElement(By.tagName("button")).click();
        WebElement reason = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-reason")));
        assertThat(browser.switchTo().activeElement()).isEqualTo(reason);
        reason.sendKeys("court");
        browser.findElement(By.id("reveal-submit")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-error"))).getText())
                .contains("au moins 10 caractères");
        Accessibility.assertNoSeriousViolation(browser);
        reason.clear();
        reason.sendKeys("Demande d'accès de l'habitante, dossier 2026-118");
        browser.findElement(By.id("reveal-submit")).click();
        WebElement identity = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-identity")));
        assertThat(identity.getText()).contains(CITIZEN).contains(CITIZEN + "@civis.localhost").contains(citizenSub);
        assertThat(journal("dpo.reveal")).anySatisfy(row -> assertThat(row)
                .contains(dpoSub()).contains("entrée " + accessEntry + ", " + pseudonym
                        + " : Demande d'accès de l'habitante, dossier 2026-118"));
        browser.findElement(By.cssSelector("#reveal-dialog [data-close-dialog]")).click();

        // Export: the same search as CSV, with the rows the API gives for it.
        browser.findElement(By.id("export-csv")).click();
        Path csv = awaitDownload("journal-.*\\.csv");
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines.getFirst()).isEqualTo(
                "entryId,recordedAt,kind,outcome,recipient,purpose,documentTypes,citizen,consentId,documentId,reason");
        List<List<String>> rows = lines.stream().skip(1).map(line -> Arrays.asList(line.split(",", -1))).toList();
        assertThat(rows).allSatisfy(row -> {
            assertThat(row).hasSize(11);
            assertThat(row.get(4)).isEqualTo("mairie-demo");
        });
        List<String> expected = new ArrayList<>();
        String query = "recipient=" + URLEncoder.encode("mairie-demo", StandardCharsets.UTF_8);
        for (String before = ""; ; ) {
            JsonNode answer = json(call("GET", "/api/v1/dpo/entries?" + query + before, dpoEidas2, null), 200);
            answer.get("entries").forEach(entry -> expected.add(entry.get("entryId").asString()));
            if (answer.get("next") == null || answer.get("next").isNull()) {
                break;
            }
            before = "&before=" + answer.get("next").asLong();
        }
        assertThat(rows).extracting(row -> row.getFirst()).containsExactlyElementsOf(expected);
        assertThat(rows).filteredOn(row -> row.getFirst().equals(Long.toString(accessEntry)))
                .singleElement().satisfies(row -> {
                    assertThat(row.get(2)).isEqualTo("access");
                    assertThat(row.get(3)).isEqualTo("allowed");
                    assertThat(row.get(6)).isEqualTo("justificatif-domicile");
                    assertThat(row.get(7)).isEqualTo(pseudonym);
                });
        assertThat(journal("dpo.export")).anySatisfy(row -> assertThat(row).contains(dpoSub()).contains("csv"));

        // Verify: the whole chain, and the signed checkpoint it was checked against.
        browser.findElement(By.id("verify-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-result"), "Journal intègre"));
        Accessibility.assertNoSeriousViolation(browser);
    }

    private String console() {
        return platform.settings().consentUrl() + "/dpo/";
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    /** The description of the fact labelled {@code label} in a result. */
    private static String fact(WebElement item, String label) {
        for (WebElement row : item.findElements(By.cssSelector("dl > div"))) {
            if (row.findElement(By.tagName("dt")).getText().equals(label)) {
                return row.findElement(By.tagName("dd")).getText();
            }
        }
        throw new AssertionError("No fact " + label + " in " + item.getText());
    }

    private String dpoSub() {
        return HttpLogin.claims(dpoEidas2).get("sub").asString();
    }

    /** The journal's entries of one kind, as "actor | reason" read by the service's own database role. */
    private List<String> journal(String kind) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres() + "/consent";
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, Platform.runtimeRole("consent"),
                platform.secrets().runtimeRolePassword("consent"));
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT actor, reason FROM journal_entry WHERE kind = '" + kind + "'")) {
            while (row.next()) {
                rows.add(row.getString(1) + " | " + row.getString(2));
            }
        }
        return rows;
    }

    private HttpResponse<String> call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.settings().consentUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(KeycloakClient.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Accept-Language", "fr");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return KeycloakClient.JSON.readTree(response.body());
    }
}
