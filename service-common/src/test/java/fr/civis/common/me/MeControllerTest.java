package fr.civis.common.me;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import fr.civis.common.CivisServiceConfiguration;

@WebMvcTest(controllers = MeController.class)
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class MeControllerTest {

    @SpringBootApplication
    @Import(CivisServiceConfiguration.class)
    static class TestService {
    }

    @Autowired
    MockMvc mvc;

    @Test
    void answersWithTheCallerAndOnlyTheCivisRoles() throws Exception {
        mvc.perform(get("/api/v1/me").with(jwt().jwt(token -> token
                        .subject("0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00")
                        .claim("preferred_username", "camille.martin")
                        .claim("acr", "eidas1")
                        .claim("realm_access", Map.of("roles", List.of("offline_access", "citizen", "default-roles-civis"))))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.sub").value("0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00"))
                .andExpect(jsonPath("$.username").value("camille.martin"))
                .andExpect(jsonPath("$.roles", contains("citizen")))
                .andExpect(jsonPath("$.acr").value("eidas1"));
    }

    @Test
    void refusesAnonymousCallersWithAFrenchProblem() throws Exception {
        mvc.perform(get("/api/v1/me"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", containsString("Bearer")))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("authentication-required"))
                .andExpect(jsonPath("$.type").value("urn:civis:problem:authentication-required"))
                .andExpect(jsonPath("$.detail").value("Connectez-vous pour accéder à ce service."));
    }

    @Test
    void answersInEnglishWhenAsked() throws Exception {
        mvc.perform(get("/api/v1/me").header("Accept-Language", "en-GB,en;q=0.8"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.title").value("Sign-in required"));
    }

    @Test
    void deniesPathsNobodyDeclared() throws Exception {
        mvc.perform(get("/internal").with(jwt()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("access-denied"));
    }
}
