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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * The citizen's side of the journal on the real platform (docs/adr/0025): mairie-demo fetches a released paper
 * through the vault and the citizen receives exactly one French e-mail (GreenMail) naming neither the paper nor the
 * service, not again after consent-service is killed and restarted, and not lost while the relay is down; turned off
 * in « Mon compte » (Chromium), the next fetch sends none. From « Qui a consulté ce document » the
 * citizen reports their access to the DPO; the DPO's console shows the report with its signed extract verified and
 * answers it, each change journaled; below the same history the citizen sees the report sent, then the DPO's answer.
 * A citizen cannot report another citizen's entry (404), and axe finds no serious violation on the new screens.
 */
@ExtendWith(PlatformExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CitizenReportsIT extends BrowserTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SUBJECT = "Un de vos documents a été consulté";
    private static final String CAMILLE = "signal.camille";
    private static final String DOMINIQUE = "signal.dominique";
    private static final String DPO = "signal.dpo";
    private static final String COMMENT = "Je n'ai jamais inscrit d'enfant à la crèche.";
    private static final String ANSWER = "Erreur de la mairie, l'accès a été signalé au service.";

    private Platform platform;
    private Citizens citizens;
    private Recipients recipients;
    private Inboxes inboxes;
    private HttpLogin camilleLogin;
    private HttpLogin dpo;
    private Release camille;
    private Release dominique;

    /** A citizen's paper released to mairie-demo: the vault as the citizen sees it, the paper, the consent. */
    private record Release(VaultApi api, String document, String consent) {
    }

    @BeforeAll
    void citizensAndReleases(Platform platform) throws Exception {
        this.platform = platform;
        citizens = new Citizens(platform);
        recipients = new Recipients(platform);
        inboxes = new Inboxes(platform);
        camilleLogin = citizens.createWithTotp(CAMILLE);
        camille = release(camilleLogin);
        dominique = release(citizens.createWithTotp(DOMINIQUE));
        dpo = citizens.staff(DPO, "dpo");
        dpo.accessToken(null); // the first login enrols the authenticator app the later ones use
    }

    private Release release(HttpLogin login) throws Exception {
        VaultApi api = new VaultApi(platform.settings().portalUrl(), login.accessToken("eidas2"));
        HttpResponse<String> upload = api.upload(VaultApi.pdf(20_000), "facture.pdf",
                Map.of("type", "justificatif-domicile", "title", "Facture EDF"), null);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String document = VaultApi.json(upload).get("id").asString();
        String requestUri = recipients.requestUri(Recipients.MAIRIE, Recipients.request("inscription-creche",
                "justificatif-domicile", "P30D", recipients.mairieReturnUri(), "etat-signal"));
        HttpResponse<String> consent = recipients.post(api.token(), "/api/v1/release-requests/"
                + URLEncoder.encode(requestUri, StandardCharsets.UTF_8) + "/consent",
                KeycloakClient.JSON.writeValueAsString(Map.of("documentIds", List.of(document))));
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
        return new Release(api, document, Recipients.json(consent).get("consentId").asString());
    }

    /** mairie-demo fetches the paper; returns the journal entry of that access, as the citizen's history shows it. */
    private long fetch(Release release) throws Exception {
        HttpResponse<byte[]> fetched = recipients.content(recipients.token(Recipients.MAIRIE), release.consent(),
                release.document());
        assertThat(fetched.statusCode()).isEqualTo(200);
        long newest = 0;
        for (JsonNode entry : VaultApi.json(release.api().get("/api/v1/documents/" + release.document() + "/accesses"))) {
            if ("access".equals(entry.get("kind").asString())) {
                newest = Math.max(newest, entry.get("entryId").asLong());
            }
        }
        assertThat(newest).isPositive();
        return newest;
    }

    private List<Inboxes.Mail> accessMails(String username) throws Exception {
        return inboxes.mails(username + "@civis.localhost").stream().filter(mail -> SUBJECT.equals(mail.subject()))
                .toList();
    }

    /** How consent-service handled the e-mail of this access entry (sent, opted-out…), once it has. */
    private String awaitNotice(long entry) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            Optional<String> outcome = queryOne("SELECT outcome FROM access_notice WHERE entry_seq = ?", entry);
            if (outcome.isPresent()) {
                return outcome.get();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("The access e-mail of entry " + entry + " was never handled");
    }

    /** How many times consent-service's log says the relay refused an access e-mail. */
    private static long relayRefusals(Path log) throws Exception {
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains("An access e-mail could not be sent")).count();
        }
    }

    private static void awaitRelayRefusals(Path log, long count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (relayRefusals(log) < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("The access e-mail job did not meet the stopped relay twice");
            }
            Thread.sleep(500);
        }
    }

    @Test
    @Order(1)
    void a_fetch_mails_the_citizen_once_even_after_a_crash_or_a_relay_outage_and_nobody_reports_another_citizens_entry()
            throws Exception {
        long entry = fetch(camille);

        assertThat(awaitNotice(entry)).isEqualTo("sent");
        List<Inboxes.Mail> mails = accessMails(CAMILLE);
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().text()).contains("#/documents/" + camille.document() + "/consultations")
                .doesNotContain("Facture EDF").doesNotContain("mairie-demo").doesNotContain("justificatif");
        // A later run of the job (the one that mails Dominique's access, a probe): Camille's is not sent again.
        long probe = fetch(dominique);
        assertThat(awaitNotice(probe)).isEqualTo("sent");
        assertThat(accessMails(DOMINIQUE)).hasSize(1);
        assertThat(accessMails(CAMILLE)).hasSize(1);

        // consent-service crashes (SIGKILL) and starts again: once it has sent the next access's e-mail (Dominique's
        // second probe), each of them still has one e-mail per access.
        platform.kill("consent-service");
        platform.restart("consent-service");
        long theirs = fetch(dominique);
        assertThat(awaitNotice(theirs)).isEqualTo("sent");
        assertThat(accessMails(DOMINIQUE)).hasSize(2);
        assertThat(accessMails(CAMILLE)).hasSize(1);

        // The relay is down when the next access happens: nothing is marked handled, and once the relay is back the
        // e-mail goes, once (GreenMail starts again empty).
        Path log = platform.settings().dataDir().resolve("logs/consent-service.log");
        platform.stop("greenmail");
        long during;
        try {
            long refused = relayRefusals(log);
            during = fetch(camille);
            awaitRelayRefusals(log, refused + 2); // two runs of the job, each refused by the relay
            assertThat(queryOne("SELECT outcome FROM access_notice WHERE entry_seq = ?", during)).isEmpty();
        } finally {
            platform.restart("greenmail");
        }
        assertThat(awaitNotice(during)).isEqualTo("sent");
        assertThat(accessMails(CAMILLE)).hasSize(1);

        // The setting: on by default, validated, problem+json in French.
        assertThat(VaultApi.json(dominique.api().get("/api/v1/me/access-notices")).get("enabled").asBoolean()).isTrue();
        HttpResponse<String> invalid = dominique.api().putJson("/api/v1/me/access-notices", "{\"enabled\": \"non\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
        assertThat(VaultApi.json(invalid).get("code").asString()).isEqualTo("invalid-request");

        // Ownership: Camille cannot report Dominique's access, alone or among her own; nothing is stored.
        for (String ids : List.of("[" + theirs + "]", "[" + entry + ", " + theirs + "]")) {
            HttpResponse<String> refused = camille.api().postJson("/api/v1/me/reports",
                    "{\"entryIds\": " + ids + ", \"comment\": \"Pas moi\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
            assertThat(VaultApi.json(refused).get("code").asString()).isEqualTo("journal-entry-not-found");
        }
        HttpResponse<String> empty = camille.api().postJson("/api/v1/me/reports", "{\"entryIds\": [], \"comment\": \"x\"}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(VaultApi.json(empty).get("code").asString()).isEqualTo("report-invalid");
        assertThat(queryOne("SELECT count(*)::text FROM dpo_report", null)).hasValue("0");
    }

    @Test
    @Order(2)
    void the_citizen_reports_an_access_and_turns_the_emails_off_in_chromium() throws Exception {
        long entry = queryOne("SELECT max(seq)::text FROM journal_entry WHERE kind = 'access' AND document_id = ?::uuid",
                camille.document()).map(Long::parseLong).orElseThrow();
        signInAsCamille();

        // « Qui a consulté ce document »: no report yet; tick the access, « Signaler au DPO », a comment.
        openAccesses();
        WebElement pick = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("report-pick-" + entry)));
        assertThat(browser.findElement(By.id("my-reports")).isDisplayed()).isFalse();
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("report-open")).click();
        wait.until(ExpectedConditions.textToBe(By.id("report-status"), "Cochez d’abord au moins une ligne de l’historique."));
        pick.click();
        browser.findElement(By.id("report-open")).click();
        WebElement comment = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("report-comment")));
        assertThat(browser.switchTo().activeElement()).isEqualTo(comment);
        assertThat(browser.findElement(By.id("report-dialog-text")).getText())
                .isEqualTo("1 ligne de l’historique sera signalée.");
        Accessibility.assertNoSeriousViolation(browser);
        comment.sendKeys(COMMENT);
        browser.findElement(By.id("report-send")).click();
        wait.until(ExpectedConditions.textToBe(By.id("report-status"), "Votre signalement a été envoyé au DPO. Il vous répondra."));
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("report-open");
        JsonNode mine = VaultApi.json(camille.api().get("/api/v1/me/reports"));
        assertThat(mine.size()).isEqualTo(1);
        assertThat(mine.get(0).get("entryIds").get(0).asLong()).isEqualTo(entry);
        assertThat(mine.get(0).get("status").asString()).isEqualTo("new");
        // Below the history, the report as sent, not taken up yet.
        WebElement sent = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#my-reports-list li[data-report='" + mine.get(0).get("id").asString() + "'][data-status='new']")));
        assertThat(browser.findElement(By.id("my-reports-status")).getText()).isEqualTo("1 signalement.");
        assertThat(sent.findElement(By.className("pill")).getText()).isEqualTo("Envoyé");
        assertThat(fact(sent, "État")).isEqualTo("Envoyé : le DPO ne l’a pas encore pris en charge.");
        assertThat(fact(sent, "Lignes signalées")).isEqualTo("1 ligne de l’historique");
        assertThat(fact(sent, "Votre commentaire")).isEqualTo(COMMENT);
        assertThat(sent.findElements(By.tagName("dt"))).extracting(WebElement::getText)
                .doesNotContain("Réponse du DPO", "Message du DPO");
        Accessibility.assertNoSeriousViolation(browser);

        // « Mon compte »: the e-mails at each access, on by default, turned off.
        openScreen("account", "account");
        wait.until(ExpectedConditions.elementToBeSelected(By.id("notices-enabled")));
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("notices-enabled")).click();
        wait.until(ExpectedConditions.textToBe(By.id("notices-status"),
                "Vous ne recevrez plus de courriel à chaque consultation."));
        assertThat(VaultApi.json(camille.api().get("/api/v1/me/access-notices")).get("enabled").asBoolean()).isFalse();

        long next = fetch(camille);
        assertThat(awaitNotice(next)).isEqualTo("opted-out");
        assertThat(accessMails(CAMILLE)).hasSize(1);
    }

    @Test
    @Order(3)
    void the_dpo_sees_the_report_with_its_extract_verified_and_answers_it() throws Exception {
        // The extract as anyone would check it: ES256 with the published keys, each hash the journal's.
        String dpoToken = dpo.accessToken("eidas2");
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(platform.settings().consentUrl()
                + "/api/v1/dpo/reports")).header("Authorization", "Bearer " + dpoToken).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode report = KeycloakClient.JSON.readTree(listed.body()).get(0);
        assertThat(report.get("comment").asString()).isEqualTo(COMMENT);
        assertThat(report.get("citizen").asString()).matches("P-[0-9a-f]{20}");
        assertThat(report.at("/check/ok").asBoolean()).isTrue();
        JWSObject extract = JWSObject.parse(report.get("extract").asString());
        JWKSet keys = JWKSet.parse(HTTP.send(HttpRequest.newBuilder(URI.create(platform.settings().consentUrl()
                + "/.well-known/jwks.json")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(extract.verify(new ECDSAVerifier((ECKey) keys.getKeyByKeyId(extract.getHeader().getKeyID())))).isTrue();
        JsonNode signed = KeycloakClient.JSON.readTree(extract.getPayload().toString()).get("entries").get(0);
        long entry = signed.get("entryId").asLong();
        assertThat(signed.get("hash").asString())
                .isEqualTo(queryOne("SELECT encode(hash, 'hex') FROM journal_entry WHERE seq = ?", entry).orElseThrow());
        String reportId = report.get("id").asString();

        // The console: the report, its extract verified; « Suivre » answers it with a note.
        browser.get(platform.settings().consentUrl() + "/dpo/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        LoginFlow login = new LoginFlow(platform, browser);
        login.password(DPO, Citizens.PASSWORD);
        login.submit("otp", dpo.totp().freshCode(), "kc-login");
        WebElement item = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#reports-list li[data-report='" + reportId + "'][data-status='new']")));
        assertThat(item.getText()).contains(COMMENT).contains(report.get("citizen").asString())
                .contains("Vérifié : signature valide, l’entrée est celle du journal.");
        Accessibility.assertNoSeriousViolation(browser);
        item.findElement(By.id("follow-" + reportId)).click();
        WebElement status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("follow-status")));
        new Select(status).selectByValue("answered");
        browser.findElement(By.id("follow-submit")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("follow-error"))).getText())
                .contains("écrivez une note");
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("follow-note")).sendKeys(ANSWER);
        browser.findElement(By.id("follow-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#reports-list li[data-report='" + reportId + "'][data-status='answered']")));
        assertThat(VaultApi.json(camille.api().get("/api/v1/me/reports")).get(0).get("status").asString())
                .isEqualTo("answered");
        assertThat(journal("dpo.report")).singleElement().satisfies(row -> assertThat(row).contains(reportId));
        assertThat(journal("dpo.report-status")).singleElement()
                .satisfies(row -> assertThat(row).contains(reportId + " : answered"));
    }

    @Test
    @Order(4)
    void the_citizen_reads_the_dpos_answer_below_the_history_in_chromium() throws Exception {
        String reportId = queryOne("SELECT id::text FROM dpo_report WHERE status = 'answered'", null).orElseThrow();
        signInAsCamille();
        openAccesses();
        WebElement answered = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#my-reports-list li[data-report='" + reportId + "'][data-status='answered']")));
        assertThat(answered.findElement(By.className("pill")).getText()).isEqualTo("Répondu");
        assertThat(fact(answered, "État")).isEqualTo("Répondu : le DPO vous a répondu.");
        assertThat(fact(answered, "Votre commentaire")).isEqualTo(COMMENT);
        assertThat(fact(answered, "Réponse du DPO")).isEqualTo(ANSWER);
        assertThat(fact(answered, "Dernier suivi")).isNotBlank();
        Accessibility.assertNoSeriousViolation(browser);

        // The same in English; the DPO's words stay as written.
        browser.findElement(By.cssSelector(".lang-button[data-lang='en']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("my-reports-title"), "Your reports to the DPO"));
        WebElement english = browser.findElement(By.cssSelector("#my-reports-list li[data-report='" + reportId + "']"));
        assertThat(english.findElement(By.className("pill")).getText()).isEqualTo("Answered");
        assertThat(fact(english, "Status")).isEqualTo("Answered: the DPO has answered you.");
        assertThat(fact(english, "The DPO's answer")).isEqualTo(ANSWER);
        Accessibility.assertNoSeriousViolation(browser);
    }

    /** Opens « Mon coffre » and signs in as Camille (password, then her authenticator app when Keycloak asks). */
    private void signInAsCamille() throws Exception {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        LoginFlow login = new LoginFlow(platform, browser);
        login.password(CAMILLE, Citizens.PASSWORD);
        wait.until(driver -> !driver.findElements(By.id("documents")).isEmpty()
                && driver.findElement(By.id("documents")).isDisplayed() || !driver.findElements(By.id("otp")).isEmpty());
        if (!browser.findElements(By.id("otp")).isEmpty()) {
            login.submit("otp", camilleLogin.totp().freshCode(), "kc-login");
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
    }

    /** « Qui a consulté ce document » for Camille's released paper, once its history is shown. */
    private void openAccesses() {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                ".document[data-document-id='" + camille.document() + "'] .document-accesses"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("accesses-list")));
    }

    /** The description of the fact labelled {@code label} in a list item. */
    private static String fact(WebElement item, String label) {
        for (WebElement row : item.findElements(By.cssSelector("dl > div"))) {
            if (row.findElement(By.tagName("dt")).getText().equals(label)) {
                return row.findElement(By.tagName("dd")).getText();
            }
        }
        throw new AssertionError("No fact " + label + " in " + item.getText());
    }

    /** The reasons of the journal's entries of one kind, read by the service's own database role. */
    private List<String> journal(String kind) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = consentDatabase();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT reason FROM journal_entry WHERE kind = ? ORDER BY seq")) {
            statement.setString(1, kind);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1));
                }
            }
        }
        return rows;
    }

    private Optional<String> queryOne(String sql, Object parameter) throws Exception {
        try (Connection connection = consentDatabase(); PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setObject(1, parameter);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        }
    }

    private Connection consentDatabase() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + platform.settings().ports().postgres()
                + "/consent", Platform.runtimeRole("consent"), platform.secrets().runtimeRolePassword("consent"));
    }
}
