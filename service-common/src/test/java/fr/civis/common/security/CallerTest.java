package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.CivisServiceConfiguration;

/** Which kind of caller an endpoint takes: said on each endpoint, refused when not said. */
@WebMvcTest(controllers = CallerTest.Endpoints.class)
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class CallerTest {

    static final String CITIZEN_SUB = "0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00";
    static final AtomicInteger PERFORMED = new AtomicInteger();

    @SpringBootApplication
    @Import({CivisServiceConfiguration.class, Endpoints.class})
    static class TestService {
    }

    @RestController
    static class Endpoints {

        @GetMapping("/api/v1/documents")
        @Caller(CallerKind.CITIZEN)
        String mine(Citizen citizen) {
            PERFORMED.incrementAndGet();
            return citizen.subject() + " " + citizen.level().acr();
        }

        @PostMapping("/api/v1/release-requests")
        @Caller(CallerKind.SERVICE)
        String push(ServiceClient client) {
            PERFORMED.incrementAndGet();
            return client.clientId();
        }

        @PostMapping("/api/v1/admin/things")
        @Caller(CallerKind.ADMIN)
        String administer() {
            PERFORMED.incrementAndGet();
            return "done";
        }

        @GetMapping("/api/v1/forgotten")
        String forgotten() {
            PERFORMED.incrementAndGet();
            return "served";
        }

        /** Says it serves services, yet asks for a citizen: the parameter refuses anyway. */
        @GetMapping("/api/v1/confused")
        @Caller(CallerKind.SERVICE)
        String confused(Citizen citizen) {
            PERFORMED.incrementAndGet();
            return citizen.subject();
        }
    }

    @Autowired
    MockMvc mvc;

    @BeforeEach
    void reset() {
        PERFORMED.set(0);
    }

    static RequestPostProcessor citizen(String... roles) {
        return jwt().jwt(token -> token.subject(CITIZEN_SUB).claim("azp", "civis-portal").claim("acr", "eidas2")
                .claim("preferred_username", "camille.martin")
                .claim("realm_access", Map.of("roles", List.of(roles))));
    }

    /** A client-credentials token as Keycloak 26 issues it: its service account got the default roles. */
    static RequestPostProcessor service(String clientId) {
        return jwt().jwt(token -> token.subject("5d0f0e0a-2f36-4b7e-8d7b-1c2a3b4c5d6e").claim("azp", clientId)
                .claim("client_id", clientId).claim("preferred_username", "service-account-" + clientId)
                .claim("realm_access", Map.of("roles", List.of("default-roles-civis", "citizen", "offline_access"))));
    }

    @Test
    void aCitizenGetsTheirOwnSubjectAndLevel() throws Exception {
        mvc.perform(get("/api/v1/documents").with(citizen("citizen")))
                .andExpect(status().isOk())
                .andExpect(content().string(CITIZEN_SUB + " eidas2"));
    }

    @Test
    void aServiceTokenIsRefusedOnACitizensEndpointDespiteItsDefaultCitizenRole() throws Exception {
        mvc.perform(get("/api/v1/documents").with(service("mairie-demo")))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("caller-not-allowed"))
                .andExpect(jsonPath("$.type").value("urn:civis:problem:caller-not-allowed"));
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void aServiceAccountNameAloneMarksAServiceToken() throws Exception {
        mvc.perform(get("/api/v1/documents").with(jwt().jwt(token -> token.subject("x").claim("azp", "mairie-demo")
                        .claim("preferred_username", "service-account-mairie-demo")
                        .claim("realm_access", Map.of("roles", List.of("citizen"))))))
                .andExpect(status().isForbidden());
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void aServiceIsKnownByItsAzp() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(service("partenaire-eau")))
                .andExpect(status().isOk())
                .andExpect(content().string("partenaire-eau"));
    }

    @Test
    void aCitizensTokenIsRefusedOnAServiceEndpoint() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(citizen("citizen", "admin")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void aTokenWhoseClientIdContradictsItsAzpIsNoService() throws Exception {
        mvc.perform(post("/api/v1/release-requests").with(jwt().jwt(token -> token.subject("x")
                        .claim("azp", "mairie-demo").claim("client_id", "partenaire-eau"))))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/release-requests").with(jwt().jwt(token -> token.subject("x")
                        .claim("client_id", "partenaire-eau"))))
                .andExpect(status().isForbidden());
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void administrationNeedsTheAdminRole() throws Exception {
        mvc.perform(post("/api/v1/admin/things").with(citizen("citizen"))).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/admin/things").with(citizen("citizen", "admin"))).andExpect(status().isOk());
        assertThat(PERFORMED).hasValue(1);
    }

    @Test
    void anEndpointThatSaysNothingServesNoOne() throws Exception {
        mvc.perform(get("/api/v1/forgotten").with(citizen("citizen", "admin", "dpo", "agent")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        mvc.perform(get("/api/v1/forgotten").with(service("mairie-demo"))).andExpect(status().isForbidden());
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void theCallerParameterChecksItsKindWhateverTheAnnotationSays() throws Exception {
        mvc.perform(get("/api/v1/confused").with(service("mairie-demo"))).andExpect(status().isForbidden());
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void withoutATokenSignInComesFirst() throws Exception {
        mvc.perform(get("/api/v1/documents"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().exists("WWW-Authenticate"));
    }
}
