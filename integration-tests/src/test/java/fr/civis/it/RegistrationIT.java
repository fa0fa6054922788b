package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * « Créer un compte », as a citizen finds it (docs/adr/0021): FranceConnect offered first, then a form that says what
 * is kept, why, for how long and whom to ask, and what comes next; the account has no way in at all until the e-mail
 * address is verified through the link GreenMail receives, and then a password or a passkey is chosen and set up
 * before the portal opens.
 */
@ExtendWith(PlatformExtension.class)
class RegistrationIT extends BrowserTest {

    private static final String NEW_PASSWORD = "Tournesol-bleu-sur-le-toit";

    @Test
    void anAccountOpensOnlyOnceItsAddressIsVerifiedAndAPasswordChosen(Platform platform) throws Exception {
        String username = "inscription.navigateur";
        KeycloakClient admin = new KeycloakClient(platform);

        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        // The login page names the service and the city, with the portal's logo.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        assertThat(browser.findElement(By.id("kc-header-wrapper")).getText()).contains("Mon coffre");
        assertPasskeyLabelClearOfItsEdgesOnAPhone();
        browser.findElement(By.linkText("Créer un compte")).click();

        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-register-form")));
        assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo("Créer votre compte");
        // FranceConnect first, before the form.
        WebElement franceConnect = browser.findElement(By.id("social-franceconnect"));
        assertThat(franceConnect.getText()).isEqualTo("S'identifier avec FranceConnect");
        assertThat(precedes(franceConnect, form)).isTrue();
        // No password yet: a password or a passkey is chosen once the address is verified, and the page says so.
        assertThat(browser.findElements(By.id("password"))).isEmpty();
        assertThat(browser.findElement(By.id("civis-register-steps")).getText())
                .contains("vous choisirez un mot de passe ou une clé d'accès");
        // The privacy notice, before the button that creates the account.
        WebElement privacy = browser.findElement(By.id("civis-privacy"));
        assertThat(privacy.getText()).contains("Vos données personnelles", "Ce que nous gardons", "Pourquoi",
                "Combien de temps", "dpo@mairie-civis.example");
        WebElement submit = browser.findElement(By.cssSelector("#kc-register-form input[type=submit]"));
        assertThat(precedes(privacy, submit)).isTrue();
        Accessibility.assertNoSeriousViolation(browser);
        assertFranceConnectOnOneLineOnAPhone();

        String id = register(platform, admin, username, "Inès");
        // The choice, on a page that passes axe and reflows at 320 px.
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("civis-first-credential-password")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new")));
        assertThat(admin.get("/realms/civis/users/" + id + "/credentials")).isEmpty();
        Accessibility.assertNoSeriousViolation(browser);
        browser.findElement(By.id("password-new")).sendKeys(NEW_PASSWORD);
        browser.findElement(By.id("password-confirm")).sendKeys(NEW_PASSWORD);
        browser.findElement(By.id("kc-submit")).click();

        assertOnThePortalAs(username);
        assertThat(admin.get("/realms/civis/users/" + id + "/credentials"))
                .extracting(credential -> credential.get("type").asString()).containsExactly("password");
        assertThat(admin.get("/realms/civis/users/" + id).get("requiredActions")).isEmpty();
    }

    /**
     * The other choice: a passkey made on the citizen's device (Chromium's virtual platform authenticator, verifying
     * its user), and no password at all, neither asked afterwards nor stored; the passkey alone then opens the portal
     * from a browser that never saw the account.
     */
    @Test
    void aPasskeyAloneOpensTheAccount(Platform platform) throws Exception {
        String username = "inscription.cle";
        KeycloakClient admin = new KeycloakClient(platform);
        VirtualAuthenticator device = browser.addVirtualAuthenticator(PasskeyAndRecoveryCodesIT.platformAuthenticator());

        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Créer un compte"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-register-form")));
        String id = register(platform, admin, username, "Jeanne");
        browser.findElement(By.id("civis-first-credential-passkey")).click();

        // Keycloak's passkey registration, then the name the device is given, then the portal: no password page.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn"))).click();
        Alert label = wait.until(ExpectedConditions.alertIsPresent());
        label.sendKeys("Téléphone de Jeanne");
        label.accept();
        assertOnThePortalAs(username);

        assertThat(admin.get("/realms/civis/users/" + id + "/credentials"))
                .extracting(credential -> credential.get("type").asString()).containsExactly("webauthn-passwordless");
        // Keycloak's registration step had asked for a password too: that demand is gone, not merely postponed.
        assertThat(admin.get("/realms/civis/users/" + id).get("requiredActions")).isEmpty();
        assertThatThrownBy(() -> new Citizens(platform).token(username)).hasMessageContaining("invalid_grant");
        assertThat(device.getCredentials()).singleElement().satisfies(credential -> {
            assertThat(credential.isResidentCredential()).isTrue();
            assertThat(credential.getRpId()).isEqualTo(URI.create(platform.settings().issuer()).getHost());
        });

        // Another browser, holding only that passkey (as the same phone would): it signs in and the portal opens.
        Credential passkey = device.getCredentials().getFirst();
        ChromeDriver other = Browser.start(downloads);
        try {
            VirtualAuthenticator sameDevice = other.addVirtualAuthenticator(PasskeyAndRecoveryCodesIT.platformAuthenticator());
            sameDevice.addCredential(Credential.createResidentCredential(passkey.getId(), passkey.getRpId(),
                    passkey.getPrivateKey(), passkey.getUserHandle(), passkey.getSignCount()));
            WebDriverWait otherWait = new WebDriverWait(other, Duration.ofSeconds(30));
            other.get(platform.settings().portalUrl() + "/");
            otherWait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
            // The login page's passkey request answers by itself (autofill), or through its button.
            otherWait.until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(By.id("documents")),
                    ExpectedConditions.elementToBeClickable(By.id("authenticateWebAuthnButton"))));
            if (other.findElements(By.id("documents")).isEmpty()) {
                other.findElement(By.id("authenticateWebAuthnButton")).click();
            }
            otherWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("documents")));
            assertThat(other.getCurrentUrl()).startsWith(platform.settings().portalUrl());
            assertThat(sameDevice.getCredentials().getFirst().getSignCount())
                    .as("the passkey signed this login").isGreaterThan(passkey.getSignCount());
        } finally {
            other.quit();
        }
    }

    /**
     * Fills in « Créer un compte » (already shown) and sends it; checks that the account then has no way in, follows
     * the link GreenMail received, and stops on the choice between a password and a passkey, still with no way in.
     * Returns the account's id.
     */
    private String register(Platform platform, KeycloakClient admin, String username, String firstName)
            throws Exception {
        String address = username + "@civis.localhost";
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("email")).sendKeys(address);
        browser.findElement(By.id("firstName")).sendKeys(firstName);
        browser.findElement(By.id("lastName")).sendKeys("Navigateur");
        browser.findElement(By.cssSelector("#kc-register-form input[type=submit]")).click();

        // Created, but with no way in: Keycloak asks for the address to be verified, and no credential exists yet.
        awaitVerificationPage(platform, address);
        Accessibility.assertNoSeriousViolation(browser);
        JsonNode user = admin.get("/realms/civis/users?exact=true&username=" + username).get(0);
        String id = user.get("id").asString();
        assertThat(user.get("emailVerified").asBoolean()).isFalse();
        assertThat(admin.get("/realms/civis/users/" + id + "/credentials")).isEmpty();
        Citizens citizens = new Citizens(platform);
        assertThatThrownBy(() -> citizens.token(username)).hasMessageContaining("invalid_grant");

        // The link GreenMail received verifies the address, then the choice.
        browser.get(Inboxes.awaitCode(() -> new Inboxes(platform).mailedActionLinks(address), 1));
        wait.until(driver -> !driver.findElements(By.id("civis-first-credential-form")).isEmpty()
                || !driver.findElements(By.partialLinkText("ici")).isEmpty());
        if (browser.findElements(By.id("civis-first-credential-form")).isEmpty()) {
            // Keycloak's « confirmez votre adresse » page, when it does not recognise the browser's session.
            browser.findElement(By.partialLinkText("ici")).click();
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("civis-first-credential-form")));
        assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo("Comment voulez-vous vous connecter ?");
        assertThat(browser.findElements(By.cssSelector("#civis-first-credential-form button[type=submit]")))
                .extracting(WebElement::getText).containsExactly("Choisir un mot de passe", "Créer une clé d'accès");
        assertThat(browser.findElement(By.id("civis-first-credential-passkey")).getDomAttribute("aria-describedby"))
                .isEqualTo("civis-first-credential-passkey-hint");
        // Verified, and still no way in: nothing is issued until a credential exists.
        assertThat(admin.get("/realms/civis/users/" + id).get("emailVerified").asBoolean()).isTrue();
        assertThat(admin.get("/realms/civis/users/" + id + "/credentials")).isEmpty();
        assertThatThrownBy(() -> citizens.token(username)).hasMessageContaining("invalid_grant");
        return id;
    }

    /** The portal opened on the new citizen's papers, signed in as them. */
    private void assertOnThePortalAs(String username) {
        WebElement me = identityCard();
        assertThat(me.findElement(By.id("me-username")).getText()).isEqualTo(username);
        assertThat(me.findElement(By.id("me-roles")).getDomAttribute("data-roles")).isEqualTo("citizen");
    }

    /** Keycloak's page asking to follow the e-mailed link: never the portal. */
    private void awaitVerificationPage(Platform platform, String address) {
        wait.until(ExpectedConditions.textToBe(By.id("kc-page-title"), "Vérifiez votre adresse électronique"));
        assertThat(browser.getCurrentUrl()).startsWith(platform.settings().issuer());
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(address);
    }

    /** At 375 px the FranceConnect button keeps its label on one line. */
    private void assertFranceConnectOnOneLineOnAPhone() {
        Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(375, 812));
        try {
            wait.until(driver -> ((Number) browser.executeScript("return document.documentElement.clientWidth;"))
                    .intValue() <= 375);
            Number lines = (Number) browser.executeScript(
                    "return document.querySelector('#social-franceconnect .civis-franceconnect-label').getClientRects().length;");
            assertThat(lines.intValue()).as("lines of the FranceConnect label at 375 px").isEqualTo(1);
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    /**
     * At 375 px the passkey button's label stays inside the button with room on both sides (it ran into its edges):
     * the text's box, measured by a range over the button's contents, is at least 8 px from each inner edge.
     */
    private void assertPasskeyLabelClearOfItsEdgesOnAPhone() {
        Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(375, 812));
        try {
            wait.until(driver -> ((Number) browser.executeScript("return document.documentElement.clientWidth;"))
                    .intValue() <= 375);
            WebElement button = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("authenticateWebAuthnButton")));
            @SuppressWarnings("unchecked")
            List<Number> gaps = (List<Number>) browser.executeScript("""
                    const button = arguments[0];
                    const range = document.createRange();
                    range.selectNodeContents(button);
                    const text = range.getBoundingClientRect();
                    const box = button.getBoundingClientRect();
                    const style = getComputedStyle(button);
                    return [text.left - box.left - parseFloat(style.borderLeftWidth),
                            box.right - text.right - parseFloat(style.borderRightWidth)];""", button);
            assertThat(gaps.get(0).doubleValue()).as("room left of the passkey label at 375 px").isGreaterThanOrEqualTo(8);
            assertThat(gaps.get(1).doubleValue()).as("room right of the passkey label at 375 px").isGreaterThanOrEqualTo(8);
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    private boolean precedes(WebElement first, WebElement second) {
        return (Boolean) browser.executeScript(
                "return (arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;",
                first, second);
    }
}
