package fr.civis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fr.civis.launcher.Platform;

/**
 * One-time codes as the person receives them: e-mails caught by GreenMail (its web API), text messages written by
 * Keycloak's development SMS sender in {@code data/sms/}.
 */
final class Inboxes {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern MAIL_CODE = Pattern.compile("connexion est : ([0-9]{6})");
    private static final Pattern ACTION_LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");
    private static final Pattern SMS_CODE = Pattern.compile("([0-9]{6}) est votre code de connexion");

    private final Platform platform;

    Inboxes(Platform platform) {
        this.platform = platform;
    }

    /** Every code e-mailed to {@code address} so far, oldest first. */
    List<String> mailedCodes(String address) throws Exception {
        HttpResponse<String> inbox = HTTP.send(HttpRequest.newBuilder(URI.create(
                platform.settings().mailWebUrl() + "/api/user/" + address + "/messages/INBOX")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return inbox.statusCode() == 200 ? all(MAIL_CODE, inbox.body()) : List.of();
    }

    /** Every Keycloak action link (password reset, e-mail verification) e-mailed to {@code address}, oldest first. */
    List<String> mailedActionLinks(String address) throws Exception {
        List<String> links = new ArrayList<>();
        for (Mail mail : mails(address)) {
            Matcher matcher = ACTION_LINK.matcher(mail.text().replace("&amp;", "&"));
            if (matcher.find()) {
                links.add(matcher.group());
            }
        }
        return links;
    }

    /**
     * A message as GreenMail holds it: its decoded subject, and its whole MIME text with the quoted-printable soft
     * line breaks and encoded '=' undone (enough to read an address in it).
     */
    record Mail(String subject, String text) {
    }

    /** Every message sent to {@code address} so far, oldest first. */
    List<Mail> mails(String address) throws Exception {
        HttpResponse<String> inbox = HTTP.send(HttpRequest.newBuilder(URI.create(
                platform.settings().mailWebUrl() + "/api/user/" + address + "/messages/INBOX")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        List<Mail> mails = new ArrayList<>();
        if (inbox.statusCode() != 200) {
            return mails;
        }
        for (var message : KeycloakClient.JSON.readTree(inbox.body())) {
            String text = message.get("mimeMessage").asString().replace("=\r\n", "").replace("=\n", "")
                    .replace("=3D", "=");
            mails.add(new Mail(message.path("subject").asString(""), text));
        }
        return mails;
    }

    /** Every code texted to {@code phoneNumber} (E.164) so far, oldest first. */
    List<String> textedCodes(String phoneNumber) throws Exception {
        var file = platform.settings().devSmsFile();
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> codes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.contains(" " + phoneNumber + " ")) {
                codes.addAll(all(SMS_CODE, line));
            }
        }
        return codes;
    }

    /** Waits for the {@code count}-th code to arrive and returns it. */
    static String awaitCode(Callable codes, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<String> received = codes.get();
            if (received.size() >= count) {
                return received.get(count - 1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Code number " + count + " never arrived");
    }

    /** A source of received codes. */
    interface Callable {
        List<String> get() throws Exception;
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
