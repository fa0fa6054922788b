package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Reminders before a paper expires, on the real platform (the job runs every second here, GreenMail catches the
 * mail): one e-mail per reminder whatever the number of runs and restarts, none for a citizen who turned them off,
 * nothing of the paper in the subject. Also the search over one's own titles and the preview, through the API.
 */
@ExtendWith(PlatformExtension.class)
class ExpiryRemindersIT {

    private static final String SUBJECT = "Un de vos documents arrive à échéance";
    private static final String VAULT = "vault-service";

    @Test
    void oneReminderPerPaperAcrossRunsAndARestartAndNoneOnceTurnedOff(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        Inboxes inboxes = new Inboxes(platform);
        String tomorrow = LocalDate.now(ZoneId.of("Europe/Paris")).plusDays(1).toString();
        VaultApi camille = vault(platform, citizens, "reminder.camille");
        VaultApi optedOut = vault(platform, citizens, "reminder.optout");
        VaultApi probe = vault(platform, citizens, "reminder.probe");

        // The citizen who does not want them says so before the paper comes.
        assertThat(VaultApi.json(optedOut.get("/api/v1/me/reminders")).get("enabled").asBoolean()).isTrue();
        HttpResponse<String> off = optedOut.putJson("/api/v1/me/reminders", "{\"enabled\": false}");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(VaultApi.json(optedOut.get("/api/v1/me/reminders")).get("enabled").asBoolean()).isFalse();
        HttpResponse<String> invalid = optedOut.putJson("/api/v1/me/reminders", "{\"enabled\": \"non\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(VaultApi.json(invalid).get("code").asString()).isEqualTo("invalid-request");

        JsonNode paper = upload(camille, "Passeport de Camille", tomorrow);
        assertThat(paper.get("expiringSoon").asBoolean()).isTrue();
        assertThat(paper.get("expired").asBoolean()).isFalse();
        upload(optedOut, "Carte d'identité de Dominique", tomorrow);

        List<Inboxes.Mail> received = awaitMails(inboxes, "reminder.camille@civis.localhost", 1);
        Inboxes.Mail reminder = received.getFirst();
        assertThat(reminder.subject()).isEqualTo(SUBJECT);
        assertThat(reminder.text()).contains(platform.settings().portalUrl())
                .doesNotContain("Passeport").doesNotContain("piece-identite");

        // A later run sends the probe's reminder: the job ran again, and did not send Camille's twice.
        upload(probe, "Attestation CAF", tomorrow);
        awaitMails(inboxes, "reminder.probe@civis.localhost", 1);
        Thread.sleep(3_000); // a few more runs
        assertThat(inboxes.mails("reminder.camille@civis.localhost")).hasSize(1);

        platform.restart(VAULT);
        upload(probe, "Avis d'imposition", tomorrow);
        awaitMails(inboxes, "reminder.probe@civis.localhost", 2);
        Thread.sleep(3_000);
        assertThat(inboxes.mails("reminder.camille@civis.localhost")).hasSize(1);
        assertThat(inboxes.mails("reminder.optout@civis.localhost")).isEmpty();
        for (Inboxes.Mail mail : inboxes.mails("reminder.probe@civis.localhost")) {
            assertThat(mail.subject()).isEqualTo(SUBJECT);
        }
    }

    @Test
    void searchFindsOnlyTheCallersOwnTitles(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        VaultApi camille = vault(platform, citizens, "search.camille");
        VaultApi dominique = vault(platform, citizens, "search.dominique");
        String camilles = upload(camille, "Attestation d'hébergement de Camille", null).get("id").asString();
        upload(camille, "Quittance de loyer", null);
        String dominiques = upload(dominique, "Attestation d'hébergement de Dominique", null).get("id").asString();

        // Case and accents aside, by title, and among the caller's own documents only.
        JsonNode found = VaultApi.json(camille.get("/api/v1/documents?q=HEBERGEMENT"));
        assertThat(found.get("totalItems").asLong()).isEqualTo(1);
        assertThat(found.get("items").get(0).get("id").asString()).isEqualTo(camilles);
        assertThat(VaultApi.json(dominique.get("/api/v1/documents?q=Camille")).get("totalItems").asLong()).isZero();
        JsonNode theirs = VaultApi.json(dominique.get("/api/v1/documents?q=attestation"));
        assertThat(theirs.get("totalItems").asLong()).isEqualTo(1);
        assertThat(theirs.get("items").get(0).get("id").asString()).isEqualTo(dominiques);

        HttpResponse<String> empty = camille.get("/api/v1/documents?q=%20");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(VaultApi.json(empty).get("code").asString()).isEqualTo("invalid-search");
        assertThat(VaultApi.json(empty).get("detail").asString()).contains("caractères");
    }

    @Test
    void thePreviewOfAPdfIsAPictureOfOnePageAndOnlyForItsOwner(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        VaultApi camille = vault(platform, citizens, "preview.camille");
        VaultApi dominique = vault(platform, citizens, "preview.dominique");
        HttpResponse<String> stored = camille.upload(VaultApi.drawnPdf(2), "bail.pdf",
                Map.of("type", "justificatif-domicile", "title", "Bail"), null);
        assertThat(stored.statusCode()).isEqualTo(201);
        String id = VaultApi.json(stored).get("id").asString();

        HttpResponse<byte[]> page = camille.getBytes("/api/v1/documents/" + id + "/preview?page=2");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("image/png");
        assertThat(page.headers().firstValue("Civis-Page-Count").orElseThrow()).isEqualTo("2");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
        // Pixels, never the PDF and its script.
        assertThat(new String(page.body(), 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        assertThat(new String(page.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("app.alert");

        assertThat(camille.getBytes("/api/v1/documents/" + id + "/preview?page=3").statusCode()).isEqualTo(422);
        assertThat(dominique.getBytes("/api/v1/documents/" + id + "/preview").statusCode()).isEqualTo(404);
    }

    private static VaultApi vault(Platform platform, Citizens citizens, String username) throws Exception {
        citizens.create(username);
        return new VaultApi(platform.settings().portalUrl(), citizens.token(username));
    }

    private static JsonNode upload(VaultApi vault, String title, String validUntil) throws Exception {
        Map<String, String> fields = validUntil == null
                ? Map.of("type", "piece-identite", "title", title)
                : Map.of("type", "piece-identite", "title", title, "validUntil", validUntil);
        HttpResponse<String> response = vault.upload(VaultApi.pdf(4_000), "piece.pdf", fields, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return VaultApi.json(response);
    }

    private static List<Inboxes.Mail> awaitMails(Inboxes inboxes, String address, int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            List<Inboxes.Mail> mails = inboxes.mails(address);
            if (mails.size() >= count) {
                return mails;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(count + " message(s) never reached " + address);
    }
}
