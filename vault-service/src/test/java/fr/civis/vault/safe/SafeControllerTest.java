package fr.civis.vault.safe;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.civis.vault.citizen.Owner;
import fr.civis.vault.consent.CitizenConsents;
import fr.civis.vault.citizen.SafeStates;
import fr.civis.vault.document.DocumentService;

/** Export, closing and reopening demand eidas2: below it, nothing of the act happens. */
@WebMvcTest(controllers = SafeController.class)
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class SafeControllerTest {

    private static final String SUBJECT = "0b7c1e52-5a0e-4c43-9d55-5f4c0d2a1f00";
    private static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
            + "error_description=\"A stronger authentication is required for this action\", acr_values=\"eidas2\"";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    DocumentService documents;
    @MockitoBean
    Safes safes;
    @MockitoBean
    SafeExport export;
    @MockitoBean
    ExportRateLimiter exportLimiter;
    @MockitoBean
    CitizenConsents consents;

    /** Half past midnight in Paris on New Year's Day, still 31 December in UTC. */
    @TestConfiguration
    static class NewYearsNight {
        @Bean
        Clock clock() {
            return Clock.fixed(Instant.parse("2026-12-31T23:30:00Z"), ZoneOffset.UTC);
        }
    }

    private static RequestPostProcessor tokenAt(String acr) {
        return jwt().jwt(token -> token.subject(SUBJECT).claim("acr", acr).claim("azp", "civis-portal")
                .claim("realm_access", Map.of("roles", List.of("citizen"))));
    }

    @Test
    void exportClosingAndReopeningAtEidas1AreChallengedAndDoNothing() throws Exception {
        for (MockHttpServletRequestBuilder request : new MockHttpServletRequestBuilder[] {
                get("/api/v1/me/export"), delete("/api/v1/me/safe"), post("/api/v1/me/safe/reopen")}) {
            mvc.perform(request.with(tokenAt("eidas1")))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", CHALLENGE))
                    .andExpect(jsonPath("$.code").value("insufficient-user-authentication"));
        }
        verifyNoInteractions(safes, export, exportLimiter, documents, consents);
    }

    @Test
    void readingTheSafeNeedsNoSecondFactor() throws Exception {
        when(safes.state(any())).thenReturn(new SafeStates.State(SafeStates.Status.OPEN, null, null));
        when(documents.usage(any())).thenReturn(new DocumentService.Usage(0, 0, 10, 1000));
        mvc.perform(get("/api/v1/me/safe").with(tokenAt("eidas1")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("OPEN"));
    }

    @Test
    void closingAtEidas2Closes() throws Exception {
        when(safes.state(any())).thenReturn(new SafeStates.State(SafeStates.Status.CLOSING, null, null));
        when(documents.usage(any())).thenReturn(new DocumentService.Usage(0, 0, 10, 1000));
        mvc.perform(delete("/api/v1/me/safe").with(tokenAt("eidas2")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("CLOSING"));
        verify(safes).close(new Owner(SUBJECT));
    }

    @Test
    void aServiceTokenIsRefusedOnTheSafeWhateverItsLevel() throws Exception {
        for (MockHttpServletRequestBuilder request : new MockHttpServletRequestBuilder[] {
                get("/api/v1/me/safe"), get("/api/v1/me/export"), delete("/api/v1/me/safe")}) {
            mvc.perform(request.with(jwt().jwt(token -> token.subject("5d0f0e0a-service-account")
                            .claim("azp", "mairie-demo").claim("client_id", "mairie-demo").claim("acr", "eidas2")
                            .claim("preferred_username", "service-account-mairie-demo")
                            .claim("realm_access", Map.of("roles", List.of("default-roles-civis", "citizen"))))))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.code").value("caller-not-allowed"));
        }
        verifyNoInteractions(safes, export, exportLimiter, documents, consents);
    }

    @Test
    void exportAtEidas2IsServed() throws Exception {
        when(exportLimiter.tryAcquire(SUBJECT)).thenReturn(true);
        mvc.perform(get("/api/v1/me/export").with(tokenAt("eidas2")))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"mon-coffre-2027-01-01.zip\""));
        verify(exportLimiter).tryAcquire(SUBJECT);
    }
}
