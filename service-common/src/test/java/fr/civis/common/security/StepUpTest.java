package fr.civis.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

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
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.CivisServiceConfiguration;

@WebMvcTest(controllers = {StepUpTest.Acts.class, StepUpTest.SensitiveActs.class})
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class StepUpTest {

    static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
            + "error_description=\"A stronger authentication is required for this action\", acr_values=\"eidas2\"";

    /** How many acts the controllers performed: a refused request must perform none. */
    static final AtomicInteger PERFORMED = new AtomicInteger();

    @SpringBootApplication
    @Import({CivisServiceConfiguration.class, Acts.class, SensitiveActs.class})
    static class TestService {
    }

    @RestController
    @Caller(CallerKind.CITIZEN)
    static class Acts {

        @GetMapping("/api/v1/ordinary")
        String ordinary() {
            PERFORMED.incrementAndGet();
            return "done";
        }

        @GetMapping("/api/v1/export")
        @RequiresLevel(EidasLevel.EIDAS2)
        String export() {
            PERFORMED.incrementAndGet();
            return "done";
        }

        @GetMapping("/api/v1/highest")
        @RequiresLevel(EidasLevel.EIDAS3)
        String highest() {
            PERFORMED.incrementAndGet();
            return "done";
        }
    }

    /** Every endpoint of this controller demands eidas2, except one that lowers it explicitly. */
    @RestController
    @Caller(CallerKind.CITIZEN)
    @RequiresLevel(EidasLevel.EIDAS2)
    static class SensitiveActs {

        @DeleteMapping("/api/v1/everything")
        String close() {
            PERFORMED.incrementAndGet();
            return "done";
        }

        @GetMapping("/api/v1/everything")
        @RequiresLevel(EidasLevel.EIDAS1)
        String read() {
            PERFORMED.incrementAndGet();
            return "done";
        }
    }

    @Autowired
    MockMvc mvc;

    @BeforeEach
    void reset() {
        PERFORMED.set(0);
    }

    private static RequestPostProcessor tokenAt(Object acr) {
        return jwt().jwt(token -> {
            token.subject("0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00")
                    .claim("realm_access", java.util.Map.of("roles", java.util.List.of("citizen")));
            if (acr != null) {
                token.claim("acr", acr);
            }
        });
    }

    @Test
    void aTokenBelowTheLevelGetsTheRfc9470ChallengeAndAFrenchProblem() throws Exception {
        mvc.perform(get("/api/v1/export").with(tokenAt("eidas1")))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", CHALLENGE))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.code").value("insufficient-user-authentication"))
                .andExpect(jsonPath("$.type").value("urn:civis:problem:insufficient-user-authentication"))
                .andExpect(jsonPath("$.title").value("Confirmation de votre identité nécessaire"));
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void theProblemIsInEnglishWhenAsked() throws Exception {
        mvc.perform(get("/api/v1/export").with(tokenAt("eidas1")).header("Accept-Language", "en-GB,en;q=0.9"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", CHALLENGE))
                .andExpect(jsonPath("$.title").value("Identity confirmation needed"));
    }

    @Test
    void aMissingOrUnknownAcrCountsAsTheLowestLevel() throws Exception {
        for (Object acr : new Object[] {null, "0", "2", "EIDAS2", "eidas2 ", 2}) {
            mvc.perform(get("/api/v1/export").with(tokenAt(acr)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", CHALLENGE));
        }
        assertThat(PERFORMED).hasValue(0);
    }

    @Test
    void theLevelOrHigherIsServed() throws Exception {
        mvc.perform(get("/api/v1/export").with(tokenAt("eidas2"))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/export").with(tokenAt("eidas3"))).andExpect(status().isOk());
        assertThat(PERFORMED).hasValue(2);
    }

    @Test
    void theChallengeNamesTheLevelTheEndpointDemands() throws Exception {
        mvc.perform(get("/api/v1/highest").with(tokenAt("eidas2")))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", CHALLENGE.replace("eidas2", "eidas3")));
    }

    @Test
    void endpointsWithoutALevelServeTheLowest() throws Exception {
        mvc.perform(get("/api/v1/ordinary").with(tokenAt("eidas1"))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/ordinary").with(tokenAt(null))).andExpect(status().isOk());
    }

    @Test
    void aLevelOnTheClassCoversItsEndpointsUnlessAMethodSaysOtherwise() throws Exception {
        mvc.perform(delete("/api/v1/everything").with(tokenAt("eidas1")))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", CHALLENGE));
        mvc.perform(delete("/api/v1/everything").with(tokenAt("eidas2"))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/everything").with(tokenAt("eidas1"))).andExpect(status().isOk());
    }

    @Test
    void withoutATokenTheAnswerIsStillSignInNotStepUp() throws Exception {
        mvc.perform(get("/api/v1/export"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")))
                .andExpect(header().string("WWW-Authenticate", not(containsString("insufficient_user_authentication"))))
                .andExpect(jsonPath("$.code").value("authentication-required"));
    }
}
