package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * What citizens do to their own accounts reaches the journal (docs/journal-events.md), each act once and none with
 * a secret: registering through Keycloak's form, linking and logging in with FranceConnect, and, from « Sécurité de
 * mon compte », changing the password, the e-mail address and the authenticator app. Every act is a person's clicks
 * in Chromium, on the real Keycloak, the journal read in consent-service's database.
 */
@ExtendWith(PlatformExtension.class)
class CitizenSecurityEventsIT extends BrowserTest {

    private static final Duration DELIVERY = Duration.ofMinutes(3);
    /**
     * The only keys a journaled citizen event's details may hold (docs/journal-events.md, « Details »): a token, a
     * code or an address under any other key would be a leak whatever its value.
     */
    private static final Set<String> ALLOWED_DETAILS = Set.of("auth_method", "auth_type", "credential_type",
            "identity_provider", "custom_required_action", "remember_me", "register_method", "reason", "grant_type",
            "change", "ip", "time");
    private static final String DONE = "C’est fait : votre changement est enregistré.";

    @Test
    void aSelfRegistrationIsJournaledOnceWithoutItsPasswordItsAddressOrItsVerificationLink(Platform platform)
            throws Exception {
        String username = "inscription.journal";
        String address = username + "@civis.localhost";
        String password = "Cerf-volant-au-dessus-des-dunes";
        Inboxes inboxes = new Inboxes(platform);

        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Créer un compte"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-register-form")));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("email")).sendKeys(address);
        browser.findElement(By.id("firstName")).sendKeys("Maëlle");
        browser.findElement(By.id("lastName")).sendKeys("Journalière");
        browser.findElement(By.cssSelector("#kc-register-form input[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("kc-page-title"), "Vérifiez votre adresse électronique"));

        String link = Inboxes.awaitCode(() -> inboxes.mailedActionLinks(address), 1);
        browser.get(link);
        wait.until(driver -> !driver.findElements(By.id("civis-first-credential-form")).isEmpty()
                || !driver.findElements(By.partialLinkText("ici")).isEmpty());
        if (browser.findElements(By.id("civis-first-credential-form")).isEmpty()) {
            // Keycloak's « confirmez votre adresse » page, when it does not recognise the browser's session.
            browser.findElement(By.partialLinkText("ici")).click();
        }
        // The first way in (ADR 0021): a password here.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("civis-first-credential-password"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new"))).sendKeys(password);
        browser.findElement(By.id("password-confirm")).sendKeys(password);
        browser.findElement(By.id("kc-submit")).click();
        String userId = identityCard().findElement(By.id("me-sub")).getText();

        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        SecurityEvents.Entry register = once(journaled, "security.register");
        assertThat(register.outcome()).isEqualTo("success");
        assertThat(details(register)).containsEntry("register_method", "form");
        assertHoldsNone(journaled, List.of(password, link, query(link, "key"), address, "Journalière"), List.of());
    }

    @Test
    void aFranceConnectLinkToAnExistingAccountIsJournaledOnceAndItsLoginAsAFederatedLogin(Platform platform)
            throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("franceconnect.lien.journal");
        String address = username + "@civis.localhost";
        String atSimulator = simulatorIdentity(platform, "lien.journal", address);
        String userId = SecurityEventsIT.userId(citizens, username);

        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("social-franceconnect"))).click();
        FranceConnectSimulator.logIn(browser, FranceConnectSimulator.issuer(platform), "lien.journal");
        // Same address: Keycloak links only once the account's own password is given.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("linkAccount"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password"))).sendKeys(Citizens.PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        assertThat(identityCard().findElement(By.id("me-sub")).getText()).isEqualTo(userId);

        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        assertThat(details(once(journaled, "security.federated-link"))).containsEntry("identity_provider", "franceconnect");
        assertThat(details(once(journaled, "security.federated-login"))).containsEntry("identity_provider", "franceconnect");
        // The login through FranceConnect is not also a password login.
        assertThat(kinds(journaled)).doesNotContain("security.login");
        assertHoldsNone(journaled, List.of(Citizens.PASSWORD, FranceConnectSimulator.PASSWORD, address, atSimulator),
                List.of());
    }

    @Test
    void aFirstFranceConnectLoginIsJournaledOnceAsARegistrationThroughTheProviderAndOnceAsAFederatedLogin(
            Platform platform) throws Exception {
        String address = "premiere.franceconnect.journal@fc-simulateur.localhost";
        String atSimulator = simulatorIdentity(platform, "premiere.journal", address);

        String userId = signInWithFranceConnect(platform, "premiere.journal");

        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        assertThat(details(once(journaled, "security.register"))).containsEntry("register_method", "broker")
                .containsEntry("identity_provider", "franceconnect");
        assertThat(details(once(journaled, "security.federated-login"))).containsEntry("identity_provider", "franceconnect");
        assertThat(kinds(journaled)).doesNotContain("security.login");
        assertHoldsNone(journaled, List.of(FranceConnectSimulator.PASSWORD, address, atSimulator), List.of());
    }

    @Test
    void aPasswordChangedFromThePortalIsJournaledOnceWithNeitherPassword(Platform platform) throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("motdepasse.journal");
        String newPassword = "Heron-cendre-sur-la-Garonne";
        signInToPortal(platform, username);
        openScreen("security", "security");

        // « Changer de mot de passe »: Keycloak's own page (UPDATE_PASSWORD), then back to the portal.
        browser.findElement(By.cssSelector("[data-kc-action='UPDATE_PASSWORD']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new"))).sendKeys(newPassword);
        browser.findElement(By.id("password-confirm")).sendKeys(newPassword);
        browser.findElement(By.id("kc-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), DONE));
        // Keycloak took it: the new password opens a session, whose tokens are secrets too.
        JsonNode tokens = citizens.passwordGrant(username, newPassword);

        String userId = SecurityEventsIT.userId(citizens, username);
        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        SecurityEvents.Entry changed = once(journaled, "security.password-changed");
        assertThat(changed.outcome()).isEqualTo("success");
        assertThat(details(changed)).containsEntry("credential_type", "password");
        assertHoldsNone(journaled, List.of(Citizens.PASSWORD, newPassword, tokens.get("access_token").asString(),
                tokens.get("refresh_token").asString(), tokens.get("id_token").asString()), List.of());
    }

    @Test
    void anAddressChangedFromThePortalIsJournaledOnceWithoutEitherAddressTheCodeOrTheLink(Platform platform)
            throws Exception {
        Citizens citizens = new Citizens(platform);
        KeycloakClient admin = citizens.keycloak();
        String username = citizens.create("adresse.journal");
        String address = username + "@civis.localhost";
        String newAddress = "adresse.journal.nouvelle@civis.localhost";
        String userId = SecurityEventsIT.userId(citizens, username);
        Inboxes inboxes = new Inboxes(platform);
        signInToPortal(platform, username);
        openScreen("security", "security");

        // « Changer d’adresse électronique » asks eidas2: the code mailed to the current address, then the new one,
        // which changes only once its own link is followed.
        browser.findElement(By.cssSelector("[data-kc-action='UPDATE_EMAIL']")).click();
        String code = Inboxes.awaitCode(() -> inboxes.mailedCodes(address), 1);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("code"))).sendKeys(code);
        browser.findElement(By.id("civis-otp-submit")).click();
        WebElement email = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("email")));
        email.clear();
        email.sendKeys(newAddress);
        browser.findElement(By.id("kc-submit")).click();
        String link = Inboxes.awaitCode(() -> inboxes.mailedActionLinks(newAddress), 1);
        browser.get(link);
        wait.until(driver -> newAddress.equals(emailOf(admin, userId)));

        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        assertThat(once(journaled, "security.email-changed").outcome()).isEqualTo("success");
        assertHoldsNone(journaled, List.of(Citizens.PASSWORD, address, newAddress, link, query(link, "key")),
                List.of(code));
    }

    @Test
    void anAuthenticatorAppAddedThenRemovedFromThePortalIsJournaledOnceEachWithoutItsSecretOrCodes(Platform platform)
            throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("appli.journal");
        signInToPortal(platform, username);
        openScreen("security", "security");
        List<String> codes = new ArrayList<>();

        browser.findElement(By.cssSelector("[data-kc-action='CONFIGURE_TOTP']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mode-manual"))).click();
        String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-totp-secret-key"))).getText();
        Totp app = new Totp(secret);
        codes.add(app.freshCode());
        browser.findElement(By.id("totp")).sendKeys(codes.getLast());
        browser.findElement(By.id("saveTOTPBtn")).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), DONE));

        // « Supprimer »: Keycloak's delete_credential, after the app's own code (the session is at eidas1).
        WebElement added = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#factors [data-type='otp']")));
        added.findElement(By.tagName("button")).click();
        codes.add(app.freshCode());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("otp"))).sendKeys(codes.getLast());
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("kc-accept"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), DONE));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#factors [data-type='otp']")));

        String userId = SecurityEventsIT.userId(citizens, username);
        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        assertThat(details(once(journaled, "security.factor-added"))).containsEntry("credential_type", "otp");
        assertThat(details(once(journaled, "security.factor-removed"))).containsEntry("credential_type", "otp");
        assertHoldsNone(journaled, List.of(Citizens.PASSWORD, secret, secret.replace(" ", "")), codes);
    }

    /** Our own enrolment action (civis-phone-number), not one of Keycloak's: journaled all the same. */
    @Test
    void aPhoneAddedFromThePortalIsJournaledOnceAsAFactorWithoutTheNumberOrTheCode(Platform platform)
            throws Exception {
        Citizens citizens = new Citizens(platform);
        String username = citizens.create("sms.journal");
        Inboxes inboxes = new Inboxes(platform);
        signInToPortal(platform, username);
        openScreen("security", "security");

        browser.findElement(By.cssSelector("[data-kc-action='civis-phone-number']")).click();
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("phone"))).sendKeys("06 00 00 00 44");
        } catch (TimeoutException e) {
            // Keycloak refusing the action sends the person back to the portal, which says so: show what it says.
            throw new AssertionError("No phone form at " + browser.getCurrentUrl() + ": "
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
        browser.findElement(By.id("civis-phone-submit")).click();
        String code = Inboxes.awaitCode(() -> inboxes.textedCodes("+33600000044"), 1);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("code"))).sendKeys(code);
        browser.findElement(By.id("civis-otp-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("security-status"), DONE));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#factors [data-type='civis-sms']")));

        String userId = SecurityEventsIT.userId(citizens, username);
        List<SecurityEvents.Entry> journaled = journaledFor(platform, userId);
        assertThat(details(once(journaled, "security.factor-added"))).containsEntry("credential_type", "civis-sms");
        assertHoldsNone(journaled, List.of(Citizens.PASSWORD, "+33600000044", "0600000044", "06 00 00 00 44"),
                List.of(code));
    }

    /** A person at the FranceConnect simulator, with the pivot identity FranceConnect sends; their id there. */
    private static String simulatorIdentity(Platform platform, String username, String address) throws Exception {
        KeycloakClient admin = new KeycloakClient(platform);
        admin.ensure("/realms/franceconnect-sim/users", Map.of("username", username, "enabled", true,
                "firstName", "Lucie Anne", "lastName", "JOURNAL", "email", address, "emailVerified", true,
                "attributes", Map.of("birthdate", List.of("1979-11-03"), "gender", List.of("female"),
                        "birthcountry", List.of("99100"), "birthplace", List.of("33063")),
                "credentials", List.of(Map.of("type", "password", "value", FranceConnectSimulator.PASSWORD,
                        "temporary", false))));
        return admin.get("/realms/franceconnect-sim/users?exact=true&username=" + username).get(0).get("id").asString();
    }

    /** Every security entry of this user, once nothing of theirs waits in Keycloak's outbox any more. */
    private static List<SecurityEvents.Entry> journaledFor(Platform platform, String userId) throws Exception {
        SecurityEvents events = new SecurityEvents(platform);
        events.awaitDelivered(userId, DELIVERY);
        List<SecurityEvents.Entry> journaled = events.journaled(List.of(userId), List.of());
        System.out.println("Security events journaled for " + userId + ": "
                + journaled.stream().map(SecurityEvents.Entry::kind).toList());
        return journaled;
    }

    /** The one entry of this kind: an act journaled twice, or not at all, fails. */
    private static SecurityEvents.Entry once(List<SecurityEvents.Entry> journaled, String kind) {
        List<SecurityEvents.Entry> ofKind = journaled.stream().filter(entry -> kind.equals(entry.kind())).toList();
        assertThat(ofKind).as(kind + " entries among " + kinds(journaled)).hasSize(1);
        return ofKind.getFirst();
    }

    private static Set<String> kinds(List<SecurityEvents.Entry> journaled) {
        return journaled.stream().map(SecurityEvents.Entry::kind).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> details(SecurityEvents.Entry entry) {
        return KeycloakClient.JSON.readTree(entry.details()).properties().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, property -> property.getValue().asString()));
    }

    /**
     * No entry holds any of {@code secrets} anywhere in its row, nor a detail off the allow-list; the six-digit
     * {@code codes} are looked for where a code could be put (details but their time, and outcome), since they
     * could match digits of a hash by chance.
     */
    private static void assertHoldsNone(List<SecurityEvents.Entry> journaled, List<String> secrets, List<String> codes) {
        assertThat(journaled).isNotEmpty();
        for (SecurityEvents.Entry entry : journaled) {
            assertThat(details(entry).keySet()).as(entry.kind() + " details").isSubsetOf(ALLOWED_DETAILS);
            for (String secret : secrets) {
                assertThat(entry.row()).as(entry.kind() + " holds a secret").doesNotContainIgnoringCase(secret);
            }
            String detailsWithoutTime = entry.details().replaceAll("\"time\":\"[^\"]*\"", "");
            for (String code : codes) {
                assertThat(detailsWithoutTime + " " + entry.outcome()).as(entry.kind() + " holds a code")
                        .doesNotContain(code);
            }
        }
    }

    private static String emailOf(KeycloakClient admin, String userId) {
        try {
            return admin.get("/realms/civis/users/" + userId).get("email").asString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            if (parts[0].equals(name)) {
                return URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("No " + name + " in " + url);
    }
}
