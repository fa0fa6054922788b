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
import java.time.Duration;
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
    private String mairieConsent;
    private UUID mairieDocument;

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
        String vault = vaultToken();
        UUID document = UUID.randomUUID();
        JsonNode consent = json(call("POST", "/api/v1/consents", vault, Map.of("subject", citizenSub,
                "recipient", "mairie-demo", "purpose", "inscription-creche", "documentTypes",
                List.of("justificatif-domicile"), "documentIds", List.of(document.toString()), "duration", "P30D",
                "collectionMethod", "citizen-initiative")), 201);
        mairieConsent = consent.get("id").asString();
        mairieDocument = document;
        accessEntry = json(call("POST", "/api/v1/accesses", vault, Map.of("consentId", mairieConsent,
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
        wait.until(driver -> {
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

        // The same search as JSON: the same entries, in the same order, with the same values.
        browser.findElement(By.id("export-json")).click();
        JsonNode exported = KeycloakClient.JSON.readTree(Files.readString(awaitDownload("journal-.*\\.json"),
                StandardCharsets.UTF_8));
        List<String> exportedIds = new ArrayList<>();
        exported.forEach(entry -> exportedIds.add(entry.get("entryId").asString()));
        assertThat(exportedIds).containsExactlyElementsOf(expected);
        JsonNode exportedAccess = exported.get(exportedIds.indexOf(Long.toString(accessEntry)));
        assertThat(exportedAccess.get("kind").asString()).isEqualTo("access");
        assertThat(exportedAccess.get("outcome").asString()).isEqualTo("allowed");
        assertThat(exportedAccess.get("documentTypes").get(0).asString()).isEqualTo("justificatif-domicile");
        assertThat(exportedAccess.get("citizen").asString()).isEqualTo(pseudonym);
        assertThat(journal("dpo.export")).anySatisfy(row -> assertThat(row).contains(dpoSub()).contains("json"));

        // Verify: the whole chain, and the signed checkpoint it was checked against.
        browser.findElement(By.id("verify-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-result"), "Journal intègre"));
        Accessibility.assertNoSeriousViolation(browser);
    }

    @Test
    void the_dpo_reads_anomalies_figures_retention_and_the_register_in_chromium() throws Exception {
        // Repeated denials: partenaire-eau asks for mairie-demo's paper, in one burst. Twice the threshold less one: a
        // burst that straddles two of the anomaly windows still leaves one of them at the threshold.
        Map<String, String> env = platform.settings().serviceEnv();
        int threshold = Integer.parseInt(env.get("CIVIS_ANOMALIES_MANYDENIALS"));
        Duration window = Duration.parse(env.get("CIVIS_ANOMALIES_WINDOW"));
        String vault = vaultToken();
        for (int i = 0; i < 2 * threshold - 1; i++) {
            assertThat(call("POST", "/api/v1/accesses", vault, Map.of("consentId", mairieConsent,
                    "recipient", "partenaire-eau", "documentId", mairieDocument.toString(), "digest", DIGEST))
                    .statusCode()).isEqualTo(403);
        }
        // The windows the journal itself has at the threshold or above, as the service's own role reads them.
        List<String> expectedAnomalies = rows("SELECT count(*) FROM journal_entry WHERE kind IN ('denial', 'refusal') "
                + "AND recipient = 'partenaire-eau' AND recorded_at > now() - interval '30 days' "
                + "GROUP BY date_bin(interval '" + window.toSeconds() + " seconds', recorded_at, TIMESTAMPTZ '2000-01-01') "
                + "HAVING count(*) >= " + threshold + " ORDER BY 1");
        assertThat(expectedAnomalies).isNotEmpty();

        signIn();

        // Anomalies: the thresholds in force, and each window of repeated denials to partenaire-eau the journal has.
        wait.until(driver -> !driver.findElement(By.id("anomalies-status")).getText().isEmpty());
        assertThat(browser.findElement(By.id("anomalies-thresholds")).getText())
                .contains(threshold + " refus à un service en " + window.toMinutes() + " min");
        List<String> shown = new ArrayList<>();
        for (WebElement item : browser.findElements(By.cssSelector("#anomalies-list li[data-rule='many-denials']"))) {
            if (fact(item, "Service").equals("partenaire-eau")) {
                String title = item.findElement(By.className("item-title")).getText();
                assertThat(title).matches("Refus répétés : \\d+ refus");
                shown.add(title.replaceAll("\\D", ""));
            }
        }
        assertThat(shown).containsExactlyInAnyOrderElementsOf(expectedAnomalies);

        // Figures of one service: the chart has one line and one dot per day for each series, and the text beside it
        // the journal's own counts for each day (Paris time).
        type("figures-recipient", "mairie-demo");
        browser.findElement(By.cssSelector("#figures-form button[type='submit']")).click();
        List<String> days = rows("SELECT day || ' : ' || grants || ' partage(s), ' || accesses || ' accès, ' || denials "
                + "|| ' refus' FROM (SELECT to_char(recorded_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS day, "
                + "count(*) FILTER (WHERE kind = 'grant') AS grants, count(*) FILTER (WHERE kind = 'access') AS accesses, "
                + "count(*) FILTER (WHERE kind IN ('denial', 'refusal')) AS denials FROM journal_entry "
                + "WHERE recipient = 'mairie-demo' AND kind IN ('grant', 'access', 'denial', 'refusal') "
                + "AND recorded_at > now() - interval '30 days' GROUP BY 1) per_day ORDER BY day");
        assertThat(days).isNotEmpty();
        wait.until(driver -> textsOf("#figures-list li").equals(days));
        WebElement chart = browser.findElement(By.id("figures-chart"));
        assertThat(chart.getRect().getWidth()).isGreaterThan(200);
        assertThat(chart.getDomAttribute("role")).isEqualTo("img");
        assertThat(browser.findElement(By.id(chart.getDomAttribute("aria-labelledby"))).getText())
                .isEqualTo("Partages, accès et refus par jour, sur 30 jours");
        for (String series : List.of("grants", "accesses", "denials")) {
            WebElement line = chart.findElement(By.cssSelector("polyline.chart-" + series));
            assertThat(line.getDomAttribute("points").split(" ")).hasSize(days.size());
            assertThat(chart.findElements(By.cssSelector("circle.chart-" + series))).hasSize(days.size());
        }
        String today = days.getLast();
        String accesses = today.replaceAll(".*, (\\d+) accès,.*", "$1");
        assertThat(textsOf("#figures-chart circle.chart-accesses title").getLast())
                .isEqualTo("Accès, " + today.substring(0, 10) + " : " + accesses);
        Accessibility.assertNoSeriousViolation(browser);

        // Retention: the periods the platform was given, then a purge, listed with what the service recorded of it.
        WebElement periods = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#retention-periods dt")));
        assertThat(env).containsEntry("CIVIS_RETENTION_ACCESSEVENTS", "P18M")
                .containsEntry("CIVIS_RETENTION_SECURITYEVENTS", "P90D").containsEntry("CIVIS_RETENTION_ENDEDCONSENTS", "P2Y");
        WebElement retention = browser.findElement(By.id("retention-periods"));
        assertThat(periods.isDisplayed()).isTrue();
        assertThat(fact(retention, "Accès et refus")).isEqualTo("18 mois");
        assertThat(fact(retention, "Événements de sécurité (connexions)")).isEqualTo("90 jours");
        assertThat(fact(retention, "Consentements terminés (après leur fin)")).isEqualTo("2 ans");
        assertThat(fact(retention, "Purge planifiée")).isEqualTo("selon l’expression cron « 0 30 3 * * * », heure de Paris");
        int before = browser.findElements(By.cssSelector("#purges li")).size();
        browser.findElement(By.id("purge-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("purge-status"), "Purge terminée"));
        List<String> purges = rows("SELECT access_events || ' accès, ' || security_events || ' événements de sécurité, ' "
                + "|| consent_events || ' entrées de consentements anonymisés, ' || consents_deleted "
                + "|| ' consentements terminés supprimés (journal, entrée n° ' || journal_seq || ')' FROM retention_purge "
                + "ORDER BY ran_at DESC LIMIT 20");
        List<String> listed = textsOf("#purges li");
        assertThat(listed).hasSize(Math.min(before + 1, 20)).hasSameSizeAs(purges);
        for (int i = 0; i < listed.size(); i++) {
            assertThat(listed.get(i)).endsWith(" : " + purges.get(i));
        }
        String seq = purges.getFirst().replaceAll(".*entrée n° (\\d+)\\)$", "$1");
        assertThat(rows("SELECT actor FROM journal_entry WHERE kind = 'retention.purge' AND seq = " + seq))
                .containsExactly(dpoSub());
        Accessibility.assertNoSeriousViolation(browser);

        // The processing register: what the realm declares of each service, purpose by purpose, in the CSV and the
        // JSON the page downloads.
        browser.findElement(By.id("register-csv")).click();
        List<List<String>> csv = parseCsv(Files.readString(awaitDownload("registre-des-traitements\\.csv"),
                StandardCharsets.UTF_8));
        assertThat(csv.getFirst()).containsExactly("recipient", "recipientName", "kind", "purpose", "purposeLabel",
                "legalBasis", "documentTypes", "maxDuration", "dpoContact");
        browser.findElement(By.id("register-json")).click();
        JsonNode json = KeycloakClient.JSON.readTree(Files.readString(awaitDownload("registre-des-traitements\\.json"),
                StandardCharsets.UTF_8));
        List<List<String>> fromJson = new ArrayList<>();
        json.forEach(row -> fromJson.add(List.of(text(row, "recipient"), text(row, "recipientName"), text(row, "kind"),
                text(row, "purpose"), text(row, "purposeLabel"), text(row, "legalBasis"), words(row.get("documentTypes")),
                text(row, "maxDuration"), text(row, "dpoContact"))));
        assertThat(fromJson).containsExactlyElementsOf(csv.subList(1, csv.size()));
        for (String recipient : List.of("mairie-demo", "partenaire-eau")) {
            JsonNode declared = KeycloakClient.JSON.readTree(citizens.keycloak()
                    .get("/realms/civis/clients?clientId=" + recipient).get(0).at("/attributes/civis.recipient").asString());
            List<List<String>> expected = new ArrayList<>();
            declared.get("purposes").forEach(purpose -> expected.add(List.of(recipient, text(declared, "displayName"),
                    text(declared, "kind"), text(purpose, "code"), text(purpose, "label"), text(purpose, "legalBasis"),
                    words(purpose.get("documentTypes")), text(purpose, "maxDuration"), text(declared, "dpoContact"))));
            assertThat(expected).as(recipient).isNotEmpty();
            assertThat(csv).as(recipient).filteredOn(row -> row.getFirst().equals(recipient))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        Accessibility.assertNoSeriousViolation(browser);
    }

    /** Opens the console and signs in as the DPO (password and authenticator app), until the console shows. */
    private void signIn() throws Exception {
        browser.get(console());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        LoginFlow login = new LoginFlow(platform, browser);
        login.password(DPO, Citizens.PASSWORD);
        login.submit("otp", dpo.totp().freshCode(), "kc-login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("console")));
    }

    /** The text of the elements {@code css} selects, hidden ones too (the chart's text alternative is off screen). */
    private List<String> textsOf(String css) {
        return browser.findElements(By.cssSelector(css)).stream()
                .map(element -> element.getDomProperty("textContent").strip()).toList();
    }

    /** A field's text, empty when it is absent (the service leaves nulls out of its JSON). */
    private static String text(JsonNode object, String field) {
        return object.hasNonNull(field) ? object.get(field).asString() : "";
    }

    /** An array of words as the register's CSV writes it: space-separated. */
    private static String words(JsonNode array) {
        List<String> words = new ArrayList<>();
        array.forEach(word -> words.add(word.asString()));
        return String.join(" ", words);
    }

    /** RFC 4180: comma-separated fields, quoted when they hold a comma, a quote or a line break; CRLF lines. */
    private static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertThat(row).as("the last line ends with CRLF").isEmpty();
        assertThat(field).isEmpty();
        return rows;
    }

    private String vaultToken() throws Exception {
        return citizens.keycloak().token("civis", Map.of("grant_type", "client_credentials", "client_id", "civis-vault",
                "client_secret", platform.secrets().get(Secrets.VAULT_CLIENT_SECRET)));
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

    /** The first column of each row {@code sql} gives, as text, read by the service's own database role. */
    private List<String> rows(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + platform.settings().ports().postgres() + "/consent", Platform.runtimeRole("consent"),
                platform.secrets().runtimeRolePassword("consent"));
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                rows.add(row.getString(1));
            }
        }
        return rows;
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
