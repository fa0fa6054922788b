package fr.civis.consent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import com.jayway.jsonpath.JsonPath;

import fr.civis.consent.TestDatabase;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.receipt.Receipts;
import fr.civis.consent.recipient.PairwiseSubject;
import fr.civis.consent.recipient.Recipient;
import fr.civis.consent.recipient.RecipientRegistry;

/**
 * The whole service on a real database (runtime role, owner migrations), the registry replaced: record a consent,
 * check accesses (granted and every refusal), revoke, read one's own journal; and who may call what.
 */
@SpringBootTest(properties = {
        "civis.receipts.wrapping-key=test-wrapping-key-with-at-least-32-characters",
        "civis.receipts.publication-delay=0s",
        "civis.journal.checkpoint-interval=1h"})
@AutoConfigureMockMvc
class ConsentFlowTest {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final String CITIZEN = "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    private static final String OTHER_CITIZEN = "11111111-2222-4333-8444-555555555555";
    private static final String DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    private static final UUID DOCUMENT = UUID.fromString("3f0c9b7e-1111-4222-8333-944455566677");
    private static final PairwiseSubject SECTOR = new PairwiseSubject("localhost", "salt-of-the-mapper");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::url);
        registry.add("spring.datasource.username", DATABASE::runtimeUser);
        registry.add("spring.datasource.password", DATABASE::password);
        registry.add("spring.flyway.password", DATABASE::password);
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    Receipts receipts;
    @Autowired
    Journal journal;
    @Autowired
    JdbcClient jdbc;
    @MockitoBean
    RecipientRegistry registry;

    @BeforeEach
    void recipients() {
        Recipient mairie = new Recipient("mairie-demo", "Mairie de Civis — Petite enfance", "municipal",
                "dpo@mairie.example", true, List.of(new Recipient.Purpose("inscription-creche",
                        "Inscription à la crèche", "public-task", List.of("justificatif-domicile"), "P90D")),
                List.of("http://localhost:8090/callback"), SECTOR);
        Recipient eau = new Recipient("partenaire-eau", "Compagnie des eaux", "partner", null, false,
                List.of(new Recipient.Purpose("abonnement-eau", "Abonnement", "consent",
                        List.of("justificatif-domicile"), "P30D")), List.of(), null);
        when(registry.find(any())).thenReturn(Optional.empty());
        when(registry.find("mairie-demo")).thenReturn(Optional.of(mairie));
        when(registry.find("partenaire-eau")).thenReturn(Optional.of(eau));
        when(registry.all()).thenReturn(List.of(mairie, eau));
    }

    private static RequestPostProcessor vault() {
        return jwt().jwt(token -> token.subject("service-account-civis-vault").claim("azp", "civis-vault")
                .claim("client_id", "civis-vault").claim("preferred_username", "service-account-civis-vault")
                .claim("realm_access", Map.of("roles", List.of("citizen"))));
    }

    private static RequestPostProcessor citizen(String sub) {
        return jwt().jwt(token -> token.subject(sub).claim("azp", "civis-portal")
                .claim("realm_access", Map.of("roles", List.of("citizen"))));
    }

    private static RequestPostProcessor recipientService() {
        return jwt().jwt(token -> token.subject("service-account-mairie-demo").claim("azp", "mairie-demo")
                .claim("client_id", "mairie-demo").claim("preferred_username", "service-account-mairie-demo")
                .claim("realm_access", Map.of("roles", List.of("citizen"))));
    }

    private static RequestPostProcessor staff(String role) {
        return jwt().jwt(token -> token.subject("staff-" + role).claim("azp", "civis-portal")
                .claim("realm_access", Map.of("roles", List.of(role))));
    }

    private String record(String subject, String duration) throws Exception {
        String body = """
                {"subject": "%s", "recipient": "mairie-demo", "purpose": "inscription-creche",
                 "documentTypes": ["justificatif-domicile"], "documentIds": ["%s"], "duration": "%s",
                 "collectionMethod": "service-request"}""".formatted(subject, DOCUMENT, duration);
        String answer = mvc.perform(post("/api/v1/consents").with(vault()).contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.status").value("active"))
                .andExpect(jsonPath("$.pairwiseSubject").value(SECTOR.of(subject)))
                .andExpect(jsonPath("$.legalBasis").value("public-task"))
                .andExpect(jsonPath("$.receipt").isString())
                .andReturn().getResponse().getContentAsString();
        assertThat(receipts.verify(JsonPath.read(answer, "$.receipt"))).isPresent();
        return JsonPath.read(answer, "$.id");
    }

    private org.springframework.test.web.servlet.ResultActions access(String consentId, String recipient, UUID document)
            throws Exception {
        return mvc.perform(post("/api/v1/accesses").with(vault()).contentType(MediaType.APPLICATION_JSON)
                .content("""
                        {"consentId": "%s", "recipient": "%s", "documentId": "%s", "digest": "%s"}"""
                        .formatted(consentId, recipient, document, DIGEST)));
    }

    @Test
    void a_recorded_consent_lets_its_recipient_read_the_document_and_every_refusal_is_journaled() throws Exception {
        String consent = record(CITIZEN, "P30D");

        access(consent, "mairie-demo", DOCUMENT).andExpect(status().isCreated())
                .andExpect(jsonPath("$.subject").value(CITIZEN))
                .andExpect(jsonPath("$.pairwiseSubject").value(SECTOR.of(CITIZEN)))
                .andExpect(jsonPath("$.entryId").isNumber());
        access(consent, "partenaire-eau", DOCUMENT).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-recipient-mismatch"));
        access(consent, "mairie-demo", UUID.randomUUID()).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-document-not-covered"));
        access(UUID.randomUUID().toString(), "mairie-demo", DOCUMENT).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-not-found"));

        // Someone else's consent is not found, and they cannot revoke it.
        mvc.perform(get("/api/v1/me/consents/" + consent).with(citizen(OTHER_CITIZEN)))
                .andExpect(status().isNotFound());
        mvc.perform(post("/api/v1/me/consents/" + consent + "/revocation").with(citizen(OTHER_CITIZEN)))
                .andExpect(status().isNotFound());
        access(consent, "mairie-demo", DOCUMENT).andExpect(status().isCreated());

        mvc.perform(post("/api/v1/me/consents/" + consent + "/revocation").with(citizen(CITIZEN)))
                .andExpect(status().isNoContent());
        access(consent, "mairie-demo", DOCUMENT).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-revoked"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("retiré")));

        mvc.perform(get("/api/v1/me/consents").with(citizen(CITIZEN)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].id").value(consent))
                .andExpect(jsonPath("$[0].status").value("revoked"))
                .andExpect(jsonPath("$[0].revocationReason").value("citizen"))
                .andExpect(jsonPath("$[0].receipt").doesNotExist());
        mvc.perform(get("/api/v1/me/consents/" + consent + "/receipt").with(citizen(CITIZEN)))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("application/jose"));

        String history = mvc.perform(get("/api/v1/me/accesses").param("documentId", DOCUMENT.toString())
                        .with(citizen(CITIZEN)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<String> kinds = JsonPath.read(history, "$[*].kind");
        List<String> reasons = JsonPath.read(history, "$[?(@.kind == 'denial')].reason");
        assertThat(kinds).contains("access", "denial");
        assertThat(reasons).contains("consent-recipient-mismatch", "consent-revoked");
        assertThat(mvc.perform(get("/api/v1/me/accesses").with(citizen(OTHER_CITIZEN)))
                .andReturn().getResponse().getContentAsString()).isEqualTo("[]");

        mvc.perform(post("/api/v1/journal/verification").with(staff("dpo")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true));
    }

    @Test
    void an_expired_consent_is_refused() throws Exception {
        String consent = record(CITIZEN, "PT0.001S");
        Thread.sleep(5);
        access(consent, "mairie-demo", DOCUMENT).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-expired"));
    }

    @Test
    void undeclared_purposes_types_and_durations_are_refused_and_journaled() throws Exception {
        String template = """
                {"subject": "%s", "recipient": "%s", "purpose": "%s", "documentTypes": ["%s"],
                 "documentIds": ["%s"], "duration": "%s", "collectionMethod": "citizen-initiative"}""";
        Map<String, String> cases = Map.of(
                "consent-recipient-unknown", template.formatted(CITIZEN, "inconnu", "inscription-creche",
                        "justificatif-domicile", DOCUMENT, "P1D"),
                "consent-purpose-not-declared", template.formatted(CITIZEN, "mairie-demo", "autre-chose",
                        "justificatif-domicile", DOCUMENT, "P1D"),
                "consent-document-type-not-allowed", template.formatted(CITIZEN, "mairie-demo", "inscription-creche",
                        "avis-imposition", DOCUMENT, "P1D"),
                "consent-duration-too-long", template.formatted(CITIZEN, "mairie-demo", "inscription-creche",
                        "justificatif-domicile", DOCUMENT, "P91D"));
        for (var entry : cases.entrySet()) {
            mvc.perform(post("/api/v1/consents").with(vault()).contentType(MediaType.APPLICATION_JSON)
                            .content(entry.getValue()))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.code").value(entry.getKey()));
        }
        assertThat(jdbc.sql("SELECT count(*) FROM journal_entry WHERE kind = 'denial' AND reason IN (?, ?, ?, ?)")
                .params(List.copyOf(cases.keySet())).query(Long.class).single()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void a_partner_without_pairwise_gets_the_sub_and_endings_close_consents_in_force() throws Exception {
        String body = """
                {"subject": "%s", "recipient": "partenaire-eau", "purpose": "abonnement-eau",
                 "documentTypes": ["justificatif-domicile"], "documentIds": ["%s"], "duration": "P7D",
                 "collectionMethod": "citizen-initiative"}""".formatted(OTHER_CITIZEN, DOCUMENT);
        String answer = mvc.perform(post("/api/v1/consents").with(vault()).contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.pairwiseSubject").value(OTHER_CITIZEN))
                .andReturn().getResponse().getContentAsString();
        String consent = JsonPath.read(answer, "$.id");
        mvc.perform(post("/api/v1/consents/endings").with(vault()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"subject\": \"%s\", \"documentId\": \"%s\"}".formatted(OTHER_CITIZEN, DOCUMENT)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ended").value(1));
        access(consent, "partenaire-eau", DOCUMENT).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("consent-revoked"));
        mvc.perform(get("/api/v1/me/consents/" + consent).with(citizen(OTHER_CITIZEN)))
                .andExpect(jsonPath("$.revocationReason").value("document-deleted"));
    }

    @Test
    void each_endpoint_takes_only_its_callers() throws Exception {
        String consent = record(CITIZEN, "P1D");
        String check = "{\"consentId\": \"%s\", \"recipient\": \"mairie-demo\", \"documentId\": \"%s\", \"digest\": \"%s\"}"
                .formatted(consent, DOCUMENT, DIGEST);
        // A recipient service may not ask consent-service itself, nor may a citizen act as the vault.
        for (RequestPostProcessor caller : List.of(recipientService(), citizen(CITIZEN))) {
            mvc.perform(post("/api/v1/accesses").with(caller).contentType(MediaType.APPLICATION_JSON).content(check))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        }
        // The vault's service token is not a citizen.
        mvc.perform(get("/api/v1/me/consents").with(vault())).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        mvc.perform(get("/api/v1/me/consents").with(recipientService())).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/journal/verification").with(citizen(CITIZEN))).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/journal/verification").with(vault())).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/receipt-keys").with(staff("dpo"))).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/receipt-keys").with(staff("admin"))).andExpect(status().isCreated());
        mvc.perform(get("/api/v1/me/consents")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/recipients").with(citizen(CITIZEN))).andExpect(status().isOk())
                .andExpect(jsonPath("$[0].clientId").value("mairie-demo"))
                .andExpect(jsonPath("$[0].purposes[0].maxDuration").value("P90D"))
                .andExpect(jsonPath("$[0].pairwiseSubject").doesNotExist());
        mvc.perform(get("/api/v1/recipients").with(recipientService())).andExpect(status().isForbidden());
        // Anyone may read the public keys.
        mvc.perform(get("/.well-known/jwks.json")).andExpect(status().isOk())
                .andExpect(jsonPath("$.keys[0].kty").value("EC"))
                .andExpect(jsonPath("$.keys[0].d").doesNotExist());
    }
}
