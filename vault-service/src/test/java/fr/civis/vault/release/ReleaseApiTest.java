package fr.civis.vault.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.consent.ConsentGateway;
import fr.civis.vault.consent.ConsentOutbox;
import fr.civis.vault.consent.ConsentServiceProperties;
import fr.civis.vault.portal.PortalProperties;
import fr.civis.vault.document.DocumentReader;
import fr.civis.vault.security.ServiceAccount;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The release API against a real HTTP server playing consent-service: pushed requests and each refusal, the
 * citizen's answer (single use, expiry, foreign client, eidas2), the recipient's fetch (check before the first byte,
 * Repr-Digest, 403 and 503), and who may call what.
 */
@WebMvcTest(controllers = {ReleaseRequestController.class, ReleaseController.class, ConsentRelayController.class,
        ShareController.class})
@Import({ReleaseRequests.class, Releases.class, ConsentGateway.class, ReleaseApiTest.Beans.class})
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class ReleaseApiTest {

    static final FakeConsentService CONSENT_SERVICE = new FakeConsentService();
    static final String CITIZEN = "0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00";
    static final String OTHER_CITIZEN = "9a9a9a9a-5a0e-4c43-9d55-5f4c0d2a1f00";
    static final String RETURN_URI = "http://localhost:8090/callback";
    static final UUID DOCUMENT = UUID.fromString("11111111-2222-4333-8444-555555555555");
    static final UUID OTHERS_DOCUMENT = UUID.fromString("66666666-2222-4333-8444-555555555555");
    static final UUID ID_CARD = UUID.fromString("77777777-2222-4333-8444-555555555555");
    static final UUID CONSENT = UUID.fromString("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    static final byte[] PLAINTEXT = "%PDF-1.7 justificatif".getBytes(StandardCharsets.US_ASCII);
    static final Instant START = Instant.parse("2026-12-03T08:00:00Z");

    static final String REGISTRY = """
            {"clientId":"mairie-demo","displayName":"Mairie de Civis — Petite enfance","kind":"municipal",
             "dpoContact":"dpo@mairie.example","pairwise":true,
             "purposes":[{"code":"inscription-creche","label":"Inscription à la crèche","legalBasis":"public-task",
                          "documentTypes":["justificatif-domicile"],"maxDuration":"P90D"}],
             "returnUris":["http://localhost:8090/callback"]}
            """;

    @DynamicPropertySource
    static void consentService(DynamicPropertyRegistry registry) {
        registry.add("civis.consent.url", () -> CONSENT_SERVICE.url().toString());
        registry.add("civis.consent.timeout", () -> "2s");
    }

    @AfterAll
    static void stopConsentService() {
        CONSENT_SERVICE.stop();
    }

    /** A clock the tests move forward. */
    static final class MovableClock extends Clock {
        Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TestConfiguration
    @EnableConfigurationProperties({ConsentServiceProperties.class, ReleaseProperties.class, PortalProperties.class})
    static class Beans {
        @Bean
        MovableClock clock() {
            return new MovableClock();
        }

        @Bean
        InMemoryReleaseRequestStore releaseRequestStore() {
            return new InMemoryReleaseRequestStore();
        }

        @Bean
        TransactionTemplate transactionTemplate() {
            return new TransactionTemplate(new AbstractPlatformTransactionManager() {
                @Override
                protected Object doGetTransaction() {
                    return new Object();
                }

                @Override
                protected void doBegin(Object transaction, TransactionDefinition definition) {
                }

                @Override
                protected void doCommit(DefaultTransactionStatus status) {
                }

                @Override
                protected void doRollback(DefaultTransactionStatus status) {
                }
            });
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    MovableClock clock;
    @Autowired
    JsonMapper json;

    @MockitoBean
    ConsentOutbox outbox;
    @MockitoBean
    DocumentReader documents;
    @MockitoBean
    SafeStates safes;
    @MockitoBean
    ServiceAccount account;

    @BeforeEach
    void consentServiceAnswers() throws IOException {
        clock.now = START;
        CONSENT_SERVICE.received.clear();
        CONSENT_SERVICE.on("GET", "/api/v1/recipients/mairie-demo", r -> FakeConsentService.Answer.json(200, REGISTRY));
        CONSENT_SERVICE.on("POST", "/api/v1/consents", r -> FakeConsentService.Answer.json(201,
                "{\"id\":\"" + CONSENT + "\",\"status\":\"active\",\"receipt\":\"eyJ.x.y\"}"));
        CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> FakeConsentService.Answer.json(201,
                "{\"entryId\":\"42\",\"subject\":\"" + CITIZEN + "\",\"documentId\":\"" + DOCUMENT + "\"}"));
        when(account.accessToken()).thenReturn("vault-service-token");
        when(safes.state(any())).thenReturn(new SafeStates.State(SafeStates.Status.OPEN, null, null));
        Owner owner = new Owner(CITIZEN);
        when(documents.describe(DOCUMENT)).thenReturn(Optional.of(new DocumentReader.Descriptor(owner, DOCUMENT,
                "justificatif-domicile", "application/pdf", PLAINTEXT.length, sha256(PLAINTEXT))));
        when(documents.describe(ID_CARD)).thenReturn(Optional.of(new DocumentReader.Descriptor(owner, ID_CARD,
                "piece-identite", "application/pdf", 10, new byte[32])));
        when(documents.describe(OTHERS_DOCUMENT)).thenReturn(Optional.of(new DocumentReader.Descriptor(
                new Owner(OTHER_CITIZEN), OTHERS_DOCUMENT, "justificatif-domicile", "application/pdf", 10,
                new byte[32])));
        when(documents.content(owner, DOCUMENT)).thenReturn(new DocumentReader.Content("application/pdf",
                PLAINTEXT.length, "facture.pdf", sha256(PLAINTEXT), out -> out.write(PLAINTEXT)));
    }

    // ---- callers -------------------------------------------------------------------------------------------------

    static RequestPostProcessor service(String clientId) {
        return jwt().jwt(token -> token.subject("5d0f0e0a-2f36-4b7e-8d7b-1c2a3b4c5d6e").claim("azp", clientId)
                .claim("client_id", clientId).claim("preferred_username", "service-account-" + clientId)
                .claim("realm_access", Map.of("roles", List.of("default-roles-civis", "citizen"))));
    }

    static RequestPostProcessor citizen(String subject, String acr, String client) {
        return jwt().jwt(token -> token.subject(subject).claim("azp", client).claim("acr", acr)
                .claim("preferred_username", "camille").claim("realm_access", Map.of("roles", List.of("citizen"))));
    }

    static RequestPostProcessor citizen(String acr) {
        return citizen(CITIZEN, acr, "civis-portal");
    }

    static String pushBody(String returnUri, String duration, String purpose, String type) {
        return """
                {"documentTypes":["%s"],"purpose":"%s","duration":"%s","returnUri":"%s","state":"xyz-123"}
                """.formatted(type, purpose, duration, returnUri);
    }

    String push() throws Exception {
        MvcResult pushed = mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "inscription-creche", "justificatif-domicile")))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.expiresIn").value(300))
                .andReturn();
        return json.readTree(pushed.getResponse().getContentAsString()).get("requestUri").asString();
    }

    // ---- push ----------------------------------------------------------------------------------------------------

    @Test
    void aRecipientPushesARequestAndGetsAnOpaqueSingleUseHandle() throws Exception {
        String first = push();
        String second = push();
        assertThat(first).matches("urn:civis:release-request:[A-Za-z0-9_-]{43}").isNotEqualTo(second);
        // The registry was read with the vault's own token.
        assertThat(CONSENT_SERVICE.received("GET", "/api/v1/recipients/mairie-demo"))
                .allMatch(r -> "Bearer vault-service-token".equals(r.authorization()));
    }

    @Test
    void aCitizenCannotPushARequest() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(citizen("eidas2")).contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "inscription-creche", "justificatif-domicile")))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        assertThat(CONSENT_SERVICE.received).isEmpty();
    }

    @Test
    void anUnknownRecipientIsRefusedAndTheRefusalJournaled() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(service("inconnu")).contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "inscription-creche", "justificatif-domicile")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("recipient-unknown"));
        verify(outbox).denial(isNull(), eq("inconnu"), eq("inscription-creche"), eq("recipient-unknown"));
    }

    @Test
    void anUndeclaredPurposeOrTypeIsRefused() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "cantine", "justificatif-domicile")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("purpose-not-declared"));
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "inscription-creche", "avis-imposition")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("document-type-not-allowed"));
        verify(outbox).denial(isNull(), eq("mairie-demo"), eq("cantine"), eq("purpose-not-declared"));
        verify(outbox).denial(isNull(), eq("mairie-demo"), eq("inscription-creche"), eq("document-type-not-allowed"));
    }

    @Test
    void aDurationBeyondThePurposesMaximumIsRefused() throws Exception {
        for (String tooLong : new String[] {"P91D", "P1Y", "P13W", "PT2161H"}) {
            mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(pushBody(RETURN_URI, tooLong, "inscription-creche", "justificatif-domicile")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("duration-too-long"));
        }
        for (String invalid : new String[] {"30 days", "P0D", "P-3D", "", "PT-1H"}) {
            mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(pushBody(RETURN_URI, invalid, "inscription-creche", "justificatif-domicile")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("invalid-duration"));
        }
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P90D", "inscription-creche", "justificatif-domicile")))
                .andExpect(status().isCreated());
    }

    @Test
    void onlyAnExactlyRegisteredReturnUriIsTaken() throws Exception {
        for (String tricky : new String[] {
                "http://localhost:8090/callback/", "http://localhost:8090/callbackx", "http://localhost:8090/call",
                "http://localhost:8090/callback?next=https://evil.example", "http://localhost:8090/callback#x",
                "HTTP://localhost:8090/callback", "http://LOCALHOST:8090/callback", "http://localhost:8090/Callback",
                "http://localhost:8090/callback/../callback", "http://localhost:8090//callback",
                "http://localhost:8090/callback%2F", "https://localhost:8090/callback", "http://localhost/callback",
                "http://localhost:8090@evil.example/callback", "//localhost:8090/callback", "/callback",
                " http://localhost:8090/callback", "http://localhost:8090/callback "}) {
            mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(json.writeValueAsString(Map.of("documentTypes", List.of("justificatif-domicile"),
                                    "purpose", "inscription-creche", "duration", "P30D", "returnUri", tricky,
                                    "state", "s"))))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("return-uri-not-registered"));
        }
    }

    @Test
    void stateIsRequiredAndSane() throws Exception {
        for (String state : new String[] {"", "a b", "é", "x".repeat(513), "a\nb"}) {
            mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(json.writeValueAsString(Map.of("documentTypes", List.of("justificatif-domicile"),
                                    "purpose", "inscription-creche", "duration", "P30D", "returnUri", RETURN_URI,
                                    "state", state))))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("invalid-state"));
        }
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"documentTypes\":[\"justificatif-domicile\"],\"purpose\":\"inscription-creche\","
                                + "\"duration\":\"P30D\",\"returnUri\":\"" + RETURN_URI + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid-state"));
    }

    @Test
    void unknownFieldsCannotSmuggleARecipient() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"documentTypes\":[\"justificatif-domicile\"],\"purpose\":\"inscription-creche\","
                                + "\"duration\":\"P30D\",\"returnUri\":\"" + RETURN_URI + "\",\"state\":\"s\","
                                + "\"recipient\":\"partenaire-eau\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid-request"));
    }

    @Test
    void consentServiceDownMeansNoRequest() throws Exception {
        CONSENT_SERVICE.on("GET", "/api/v1/recipients/mairie-demo",
                r -> FakeConsentService.Answer.json(500, "{}"));
        mvc.perform(post("/api/v1/release-requests").with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(pushBody(RETURN_URI, "P30D", "inscription-creche", "justificatif-domicile")))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.code").value("consent-service-unavailable"));
    }

    // ---- the citizen's answer ------------------------------------------------------------------------------------

    @Test
    void theCitizenSeesWhoWhatWhyAndUntilWhen() throws Exception {
        String handle = push();
        mvc.perform(get("/api/v1/release-requests/{handle}", handle).with(citizen("eidas1")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.recipient.clientId").value("mairie-demo"))
                .andExpect(jsonPath("$.recipient.displayName").value("Mairie de Civis — Petite enfance"))
                .andExpect(jsonPath("$.purpose.label").value("Inscription à la crèche"))
                .andExpect(jsonPath("$.purpose.legalBasis").value("public-task"))
                .andExpect(jsonPath("$.documentTypes[0]").value("justificatif-domicile"))
                .andExpect(jsonPath("$.duration").value("P30D"))
                .andExpect(jsonPath("$.expiresAt").value("2027-01-02T08:00:00Z"));
    }

    @Test
    void aServiceCannotReadOrAnswerARequest() throws Exception {
        String handle = push();
        mvc.perform(get("/api/v1/release-requests/{handle}", handle).with(service("mairie-demo")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(service("mairie-demo"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
    }

    @Test
    void consentingNeedsEidas2() throws Exception {
        String handle = push();
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas1"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString(
                        "error=\"insufficient_user_authentication\"")))
                .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString(
                        "acr_values=\"eidas2\"")))
                .andExpect(jsonPath("$.code").value("insufficient-user-authentication"));
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/consents")).isEmpty();
    }

    @Test
    void theConsentIsRecordedAndTheBrowserGoesBackToTheStoredAddressOnce() throws Exception {
        String handle = push();
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.consentId").value(CONSENT.toString()))
                .andExpect(jsonPath("$.redirect").value(RETURN_URI + "?consent_id=" + CONSENT + "&state=xyz-123"));
        FakeConsentService.Received recorded = CONSENT_SERVICE.received("POST", "/api/v1/consents").getFirst();
        assertThat(recorded.authorization()).isEqualTo("Bearer vault-service-token");
        JsonNode body = json.readTree(recorded.body());
        assertThat(body.get("subject").asString()).isEqualTo(CITIZEN);
        assertThat(body.get("recipient").asString()).isEqualTo("mairie-demo");
        assertThat(body.get("purpose").asString()).isEqualTo("inscription-creche");
        assertThat(body.get("documentIds").get(0).asString()).isEqualTo(DOCUMENT.toString());
        assertThat(body.get("collectionMethod").asString()).isEqualTo("service-request");

        // Used: neither a second consent nor a refusal.
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.code").value("release-request-used"));
        mvc.perform(post("/api/v1/release-requests/{handle}/refusal", handle).with(citizen("eidas2")))
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.code").value("release-request-used"));
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/consents")).hasSize(1);
    }

    @Test
    void anExpiredRequestIsRefused() throws Exception {
        String handle = push();
        clock.now = START.plus(Duration.ofMinutes(5));
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.code").value("release-request-expired"));
        mvc.perform(get("/api/v1/release-requests/{handle}", handle).with(citizen("eidas2")))
                .andExpect(status().isGone());
    }

    @Test
    void aRequestPresentedThroughAnotherClientIsRefused() throws Exception {
        String handle = push();
        for (var request : List.of(get("/api/v1/release-requests/{handle}", handle),
                post("/api/v1/release-requests/{handle}/refusal", handle),
                post("/api/v1/release-requests/{handle}/consent", handle).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))) {
            mvc.perform(request.with(citizen(CITIZEN, "eidas2", "mairie-demo")))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.code").value("release-request-foreign-client"));
        }
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/consents")).isEmpty();
    }

    @Test
    void unknownAndMalformedHandlesAreNotFound() throws Exception {
        for (String handle : new String[] {"urn:civis:release-request:" + "A".repeat(43), "nope",
                "urn:civis:release-request:short"}) {
            mvc.perform(get("/api/v1/release-requests/{handle}", handle).with(citizen("eidas2")))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.code").value("release-request-unknown"));
        }
    }

    @Test
    void onlyTheCitizensOwnDocumentsOfARequestedTypeCanBeReleased() throws Exception {
        String handle = push();
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"documentIds\":[\"" + OTHERS_DOCUMENT + "\"]}"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("document-not-found"));
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + ID_CARD + "\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("document-type-not-requested"));
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/consents")).isEmpty();
        // The mistakes did not use the request up.
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isCreated());
    }

    @Test
    void whenConsentServiceCannotRecordTheRequestStaysUsable() throws Exception {
        String handle = push();
        CONSENT_SERVICE.on("POST", "/api/v1/consents", r -> FakeConsentService.Answer.json(503, "{}"));
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.code").value("consent-service-unavailable"));
        CONSENT_SERVICE.on("POST", "/api/v1/consents", r -> FakeConsentService.Answer.json(201,
                "{\"id\":\"" + CONSENT + "\"}"));
        mvc.perform(post("/api/v1/release-requests/{handle}/consent", handle).with(citizen("eidas2"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"documentIds\":[\"" + DOCUMENT + "\"]}"))
                .andExpect(status().isCreated());
    }

    @Test
    void refusingReturnsTheErrorToTheStoredAddressAndIsJournaled() throws Exception {
        String handle = push();
        mvc.perform(post("/api/v1/release-requests/{handle}/refusal", handle).with(citizen("eidas1")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.redirect").value(RETURN_URI + "?error=access_denied&state=xyz-123"));
        verify(outbox).denial(CITIZEN, "mairie-demo", "inscription-creche", "citizen-refused");
        mvc.perform(post("/api/v1/release-requests/{handle}/refusal", handle).with(citizen("eidas1")))
                .andExpect(status().isGone());
    }

    // ---- own-initiative share ------------------------------------------------------------------------------------

    @Test
    void aCitizenSharesOnTheirOwnAtEidas2() throws Exception {
        String body = "{\"recipient\":\"mairie-demo\",\"purpose\":\"inscription-creche\",\"documentIds\":[\""
                + DOCUMENT + "\"],\"duration\":\"P30D\"}";
        mvc.perform(post("/api/v1/me/shares").with(citizen("eidas1")).contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isUnauthorized());
        mvc.perform(post("/api/v1/me/shares").with(service("mairie-demo")).contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/me/shares").with(citizen("eidas2")).contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.id").value(CONSENT.toString()));
        JsonNode recorded = json.readTree(CONSENT_SERVICE.received("POST", "/api/v1/consents").getFirst().body());
        assertThat(recorded.get("collectionMethod").asString()).isEqualTo("citizen-initiative");
        mvc.perform(post("/api/v1/me/shares").with(citizen("eidas2")).contentType(MediaType.APPLICATION_JSON)
                        .content(body.replace(DOCUMENT.toString(), ID_CARD.toString())))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("document-type-not-requested"));
    }

    // ---- the recipient's fetch -----------------------------------------------------------------------------------

    @Test
    void theRecipientGetsTheDocumentWithItsReprDigestAfterTheAccessIsJournaled() throws Exception {
        String digest = "sha-256=:" + Base64.getEncoder().encodeToString(sha256(PLAINTEXT)) + ":";
        MvcResult fetched = mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("mairie-demo")))
                .andExpect(status().isOk())
                .andExpect(header().string("Repr-Digest", digest))
                .andExpect(header().string("Cache-Control", "no-store"))
                .andExpect(header().string("Content-Type", "application/pdf"))
                .andReturn();
        // Written in the request itself: no asynchronous mode, whose timeout would cut a long download.
        assertThat(fetched.getRequest().isAsyncStarted()).isFalse();
        assertThat(fetched.getResponse().getContentAsByteArray()).isEqualTo(PLAINTEXT);
        FakeConsentService.Received access = CONSENT_SERVICE.received("POST", "/api/v1/accesses").getFirst();
        JsonNode body = json.readTree(access.body());
        assertThat(body.get("consentId").asString()).isEqualTo(CONSENT.toString());
        assertThat(body.get("recipient").asString()).isEqualTo("mairie-demo");
        assertThat(body.get("documentId").asString()).isEqualTo(DOCUMENT.toString());
        assertThat(body.get("digest").asString()).isEqualTo(digest);
        assertThat(access.authorization()).isEqualTo("Bearer vault-service-token");
    }

    @Test
    void aCitizenCannotUseTheReleaseEndpoints() throws Exception {
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(citizen("eidas3")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        mvc.perform(get("/api/v1/releases/{consent}", CONSENT).with(citizen("eidas3")))
                .andExpect(status().isForbidden());
        assertThat(CONSENT_SERVICE.received).isEmpty();
    }

    @Test
    void aRefusalOfConsentServiceIsA403AndNothingIsSent() throws Exception {
        CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> FakeConsentService.Answer.json(403,
                "{\"code\":\"consent-revoked\"}"));
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("partenaire-eau")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-revoked"))
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(
                        new String(PLAINTEXT, StandardCharsets.ISO_8859_1)))));
    }

    @Test
    void aRefusalWinsOverWhatTheReadMet() throws Exception {
        CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> FakeConsentService.Answer.json(403,
                "{\"code\":\"consent-revoked\"}"));
        when(documents.content(new Owner(CITIZEN), DOCUMENT)).thenThrow(
                new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR,
                        "document-corrupted"));
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("mairie-demo")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-revoked"));
    }

    @Test
    void theCheckAndTheReadOverlap() throws Exception {
        // consent-service answers only once the document is being read: were they one after the other, the fetch
        // would wait for the check's timeout and fail.
        CountDownLatch reading = new CountDownLatch(1);
        when(documents.content(new Owner(CITIZEN), DOCUMENT)).thenAnswer(call -> {
            reading.countDown();
            return new DocumentReader.Content("application/pdf", PLAINTEXT.length, "facture.pdf", sha256(PLAINTEXT),
                    out -> out.write(PLAINTEXT));
        });
        CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> {
            try {
                return reading.await(5, TimeUnit.SECONDS)
                        ? FakeConsentService.Answer.json(201, "{\"entryId\":\"43\",\"subject\":\"" + CITIZEN
                                + "\",\"documentId\":\"" + DOCUMENT + "\"}")
                        : FakeConsentService.Answer.json(500, "{}");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FakeConsentService.Answer.json(500, "{}");
            }
        });
        MvcResult fetched = mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT,
                        DOCUMENT).with(service("mairie-demo")))
                .andExpect(status().isOk())
                .andReturn();
        assertThat(fetched.getResponse().getContentAsByteArray()).isEqualTo(PLAINTEXT);
    }

    @Test
    void revocationHoldsFromTheNextFetch() throws Exception {
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("mairie-demo")))
                .andExpect(status().isOk());
        CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> FakeConsentService.Answer.json(403,
                "{\"code\":\"consent-revoked\"}"));
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("mairie-demo")))
                .andExpect(status().isForbidden());
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/accesses")).hasSize(2);
    }

    @Test
    void consentServiceErringIsA503AndNothingIsServed() throws Exception {
        for (int status : new int[] {500, 502, 200, 401}) {
            CONSENT_SERVICE.on("POST", "/api/v1/accesses", r -> FakeConsentService.Answer.json(status, "{}"));
            mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                            .with(service("mairie-demo")))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.code").value("consent-service-unavailable"));
        }
    }

    @Test
    void aDocumentOfAClosingSafeIsNotReleased() throws Exception {
        when(safes.state(new Owner(CITIZEN))).thenReturn(new SafeStates.State(SafeStates.Status.CLOSING, START,
                START.plus(Duration.ofDays(30))));
        mvc.perform(get("/api/v1/releases/{consent}/documents/{document}/content", CONSENT, DOCUMENT)
                        .with(service("mairie-demo")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("release-ended"));
        assertThat(CONSENT_SERVICE.received("POST", "/api/v1/accesses")).isEmpty();
    }

    @Test
    void theReleaseShowsThePairwiseSubjectAndOnlyTheCitizensCoveredDocuments() throws Exception {
        CONSENT_SERVICE.on("GET", "/api/v1/consents/" + CONSENT, r -> FakeConsentService.Answer.json(200, """
                {"id":"%s","subject":"%s","pairwiseSubject":"pw-123","recipient":"mairie-demo",
                 "purpose":"inscription-creche","status":"active","expiresAt":"2027-01-02T08:00:00Z",
                 "documentIds":["%s","%s"]}
                """.formatted(CONSENT, CITIZEN, DOCUMENT, OTHERS_DOCUMENT)));
        mvc.perform(get("/api/v1/releases/{consent}", CONSENT).with(service("mairie-demo")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.subject").value("pw-123"))
                .andExpect(jsonPath("$.documents.length()").value(1))
                .andExpect(jsonPath("$.documents[0].id").value(DOCUMENT.toString()))
                .andExpect(jsonPath("$.documents[0].digest").value(
                        "sha-256=:" + Base64.getEncoder().encodeToString(sha256(PLAINTEXT)) + ":"))
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(CITIZEN))));
        mvc.perform(get("/api/v1/releases/{consent}", CONSENT).with(service("partenaire-eau")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-recipient-mismatch"));
    }

    // ---- relays --------------------------------------------------------------------------------------------------

    @Test
    void theCitizensConsentsAreReadWithTheirOwnToken() throws Exception {
        CONSENT_SERVICE.on("GET", "/api/v1/me/consents", r -> FakeConsentService.Answer.json(200, "[]"));
        mvc.perform(get("/api/v1/me/consents").with(citizen("eidas1")))
                .andExpect(status().isOk())
                .andExpect(content().json("[]"));
        assertThat(CONSENT_SERVICE.received("GET", "/api/v1/me/consents").getFirst().authorization())
                .isNotEqualTo("Bearer vault-service-token").startsWith("Bearer ");
        mvc.perform(get("/api/v1/me/consents").with(service("mairie-demo")))
                .andExpect(status().isForbidden());
    }

    @Test
    void theAccessesOfSomeoneElsesDocumentAreNotFound() throws Exception {
        mvc.perform(get("/api/v1/documents/{id}/accesses", OTHERS_DOCUMENT).with(citizen("eidas1")))
                .andExpect(status().isNotFound());
        assertThat(CONSENT_SERVICE.received).isEmpty();
    }

    @Test
    void relaysAnswer503WhenConsentServiceErrs() throws Exception {
        CONSENT_SERVICE.on("GET", "/api/v1/me/consents", r -> FakeConsentService.Answer.json(500, "{}"));
        mvc.perform(get("/api/v1/me/consents").with(citizen("eidas1")))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.code").value("consent-service-unavailable"));
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
