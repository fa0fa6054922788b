package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import fr.civis.launcher.Platform;
import tools.jackson.databind.JsonNode;

/**
 * A city turns on reconciliation by pivot identity: an account created at the counter (certified attributes typed
 * by an agent) is proposed to the citizen coming from FranceConnect when it is the only match, and linked only after
 * the citizen logs in to it; two matching accounts: none is proposed, a new account is created.
 */
@ExtendWith(PlatformExtension.class)
class PivotReconciliationIT extends BrowserTest {

    private static final String FLOW = "/realms/civis/authentication/flows/civis%20first%20broker%20login/executions";
    private static final String COUNTER_PASSWORD = "guichet-mairie-2026";

    private static KeycloakClient admin;
    @BeforeAll
    static void turnReconciliationOn(Platform platform) throws Exception {
        admin = new KeycloakClient(platform);
        setReconciliation("ALTERNATIVE");
    }

    @AfterAll
    static void turnReconciliationOffAndScanTheLog(Platform platform) throws Exception {
        setReconciliation("DISABLED");
        FederationLogScan.assertNothingPersonalIn(platform, "Several accounts match a pivot identity from franceconnect");
    }

    private static void setReconciliation(String requirement) throws Exception {
        for (JsonNode execution : admin.get(FLOW)) {
            if ("civis-pivot-reconciliation".equals(execution.path("providerId").asString())) {
                Map<String, Object> changed = KeycloakClient.JSON.convertValue(execution, Map.class);
                changed.put("requirement", requirement);
                admin.put(FLOW, changed);
                return;
            }
        }
        throw new IllegalStateException("No reconciliation step in the first broker login flow");
    }

    @Test
    void theOneCounterAccountMatchingIsLinkedAfterTheCitizenLogsInToIt(Platform platform) throws Exception {
        String counter = counterAccount("guichet.louise", "LOUISE", "Moreau Lefevre", "1988-02-14", "13055", "99100");

        startFranceConnectLogin(platform, "louise.moreau");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("linkAccount"))).click();
        assertThat(admin.get("/realms/civis/users/" + counter + "/federated-identity")).isEmpty();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password"))).sendKeys(COUNTER_PASSWORD);
        browser.findElement(By.id("kc-login")).click();

        WebElement me = identityCard();
        assertThat(me.findElement(By.id("me-sub")).getText()).isEqualTo(counter);
        assertThat(admin.get("/realms/civis/users/" + counter + "/federated-identity").get(0).get("identityProvider").asString())
                .isEqualTo("franceconnect");
        JsonNode attributes = admin.get("/realms/civis/users/" + counter).get("attributes");
        // From now on the certified identity is FranceConnect's.
        assertThat(attributes.get("certifiedBy").get(0).asString()).isEqualTo("franceconnect");
        assertThat(attributes.get("certifiedFamilyName").get(0).asString()).isEqualTo("MOREAU-LEFÈVRE");
        assertThat(admin.get("/realms/civis/users?exact=true&email=louise.moreau@fc-simulateur.localhost")).isEmpty();
    }

    @Test
    void twoMatchingCounterAccountsAreNeverProposed(Platform platform) throws Exception {
        String first = counterAccount("guichet.paul.1", "Paul", "Durand", "1975-06-01", "69123", "99100");
        String second = counterAccount("guichet.paul.2", "PAUL", "DURAND", "1975-06-01", "69123", "99100");

        startFranceConnectLogin(platform, "paul.durand");
        WebElement me = identityCard();
        assertThat(me.findElement(By.id("me-sub")).getText()).isNotIn(first, second);
        assertThat(admin.get("/realms/civis/users/" + first + "/federated-identity")).isEmpty();
        assertThat(admin.get("/realms/civis/users/" + second + "/federated-identity")).isEmpty();
    }

    private void startFranceConnectLogin(Platform platform, String identity) {
        browser.get(platform.settings().portalUrl() + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("login-button"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("social-franceconnect"))).click();
        FranceConnectSimulator.logIn(browser, FranceConnectSimulator.issuer(platform), identity);
    }

    /** An account an agent created at the counter: a password, and the certified identity read from a document. */
    private static String counterAccount(String username, String givenNames, String familyName, String birthdate,
                                         String birthplace, String birthcountry) throws Exception {
        admin.ensure("/realms/civis/users", Map.of("username", username, "enabled", true, "email", username + "@civis.localhost",
                "emailVerified", true, "firstName", givenNames, "lastName", familyName,
                "attributes", Map.of("certifiedGivenNames", List.of(givenNames), "certifiedFamilyName", List.of(familyName),
                        "certifiedBirthdate", List.of(birthdate), "certifiedBirthplace", List.of(birthplace),
                        "certifiedBirthcountry", List.of(birthcountry), "certifiedBy", List.of("guichet")),
                "credentials", List.of(Map.of("type", "password", "value", COUNTER_PASSWORD, "temporary", false))));
        return admin.get("/realms/civis/users?exact=true&username=" + username).get(0).get("id").asString();
    }
}
