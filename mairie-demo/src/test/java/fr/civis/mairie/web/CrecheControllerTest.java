package fr.civis.mairie.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.civis.mairie.release.FetchedContent;
import fr.civis.mairie.release.ReleaseApi.PushedRequest;
import fr.civis.mairie.release.ReleaseApi.Release;
import fr.civis.mairie.release.ReleaseApi.ReleaseRequest;
import fr.civis.mairie.release.ReleaseApi.ReleasedDocument;
import fr.civis.mairie.release.VaultException;
import fr.civis.mairie.release.VaultReleases;

@SpringBootTest(properties = {
        "civis.mairie.client-secret=test-secret",
        "civis.mairie.url=http://localhost:8090",
        "civis.mairie.portal-url=http://localhost:8082",
        "management.server.port=0"})
@AutoConfigureMockMvc
class CrecheControllerTest {

    private static final String CITIZEN = "3f0c2a52-pairwise-for-mairie-demo";
    private static final String DOCUMENT = "{\"hello\": \"world\"}\n";
    private static final String DIGEST = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    VaultReleases vault;

    private static RequestPostProcessor citizen() {
        return oidcLogin().idToken(token -> token.subject(CITIZEN).claim("given_name", "Camille"));
    }

    @Test
    void pagesForbidScriptsAndFramesAndSendFormsOnlyToThePortalAndKeycloak() throws Exception {
        String csp = mvc.perform(get("/")).andExpect(status().isOk())
                .andExpect(header().string("Referrer-Policy", "no-referrer"))
                .andReturn().getResponse().getHeader("Content-Security-Policy");

        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'",
                "form-action 'self' http://localhost:8082 http://localhost:8080").doesNotContain("script-src");
    }

    @Test
    void theHomePageInvitesToLogInThroughKeycloak() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("/oauth2/authorization/civis")));
        mvc.perform(get("/callback")).andExpect(status().is3xxRedirection())
                .andExpect(header().string("Location", org.hamcrest.Matchers.endsWith("/oauth2/authorization/civis")));
    }

    @Test
    void theLoginAsksForPkce() throws Exception {
        String location = mvc.perform(get("/oauth2/authorization/civis")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getHeader("Location");

        assertThat(location).startsWith("http://localhost:8080/realms/civis/protocol/openid-connect/auth?")
                .contains("client_id=mairie-demo", "code_challenge_method=S256", "code_challenge=", "nonce=",
                        "redirect_uri=http://localhost:8090/login/oauth2/code/civis");
    }

    @Test
    void aRequestIsPushedToTheVaultAndTheBrowserCarriesOnlyTheHandle() throws Exception {
        when(vault.push(any())).thenReturn(new PushedRequest("urn:civis:release-request:abc_DEF-123", 300));

        String location = mvc.perform(post("/demande").with(citizen()).with(csrf()))
                .andExpect(status().isSeeOther()).andReturn().getResponse().getHeader("Location");

        ArgumentCaptor<ReleaseRequest> pushed = ArgumentCaptor.forClass(ReleaseRequest.class);
        verify(vault).push(pushed.capture());
        assertThat(pushed.getValue().purpose()).isEqualTo("inscription-creche");
        assertThat(pushed.getValue().documentTypes()).containsExactly("justificatif-domicile");
        assertThat(pushed.getValue().duration()).isEqualTo("P30D");
        assertThat(pushed.getValue().returnUri()).isEqualTo("http://localhost:8090/callback");
        assertThat(pushed.getValue().state()).matches("[A-Za-z0-9_-]{43}");
        assertThat(location).isEqualTo("http://localhost:8082/?request_uri=urn%3Acivis%3Arelease-request%3Aabc_DEF-123");
        assertThat(location).doesNotContain(pushed.getValue().state());
    }

    @Test
    void aRequestWithoutCsrfTokenIsRefused() throws Exception {
        mvc.perform(post("/demande").with(citizen())).andExpect(status().isForbidden());
        verify(vault, never()).push(any());
    }

    @Test
    void theReleasedDocumentIsFetchedAndItsDigestChecked() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);
        when(vault.release("c0ffee00-0000-4000-8000-000000000001")).thenReturn(new Release(
                "c0ffee00-0000-4000-8000-000000000001", CITIZEN, "inscription-creche", Instant.parse("2027-01-02T10:00:00Z"),
                List.of(new ReleasedDocument("d0c00000-0000-4000-8000-000000000002", "justificatif-domicile",
                        "application/pdf", (long) DOCUMENT.length(), DIGEST))));
        when(vault.content("c0ffee00-0000-4000-8000-000000000001", "d0c00000-0000-4000-8000-000000000002"))
                .thenReturn(FetchedContent.read(new ByteArrayInputStream(DOCUMENT.getBytes(StandardCharsets.UTF_8)),
                        DIGEST, 1024));

        String page = mvc.perform(get("/callback").session(session).with(citizen())
                        .param("consent_id", "c0ffee00-0000-4000-8000-000000000001").param("state", state))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Justificatif de domicile", "application/pdf", "19 octets", "empreinte vérifiée",
                "44aff4ab2d7c3250525675a08f0cfa9591168cffe51791c5f5bbc417c15a6c38", "2 janvier 2027");
        assertThat(page).doesNotContain("non conforme");
    }

    @Test
    void bytesThatDoNotMatchTheAnnouncedDigestAreRejected() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);
        when(vault.release("c1")).thenReturn(new Release("c1", CITIZEN, "inscription-creche", null,
                List.of(new ReleasedDocument("d1", "justificatif-domicile", "application/pdf", null, DIGEST))));
        when(vault.content("c1", "d1")).thenReturn(FetchedContent.read(
                new ByteArrayInputStream("tampered".getBytes(StandardCharsets.UTF_8)), DIGEST, 1024));

        String page = mvc.perform(get("/callback").session(session).with(citizen())
                        .param("consent_id", "c1").param("state", state))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("empreinte non conforme : document rejeté").doesNotContain("empreinte vérifiée<");
    }

    @Test
    void anAnswerWithAStateOfNoRequestOfThisSessionIsRefusedWithoutCallingTheVault() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);

        mvc.perform(get("/callback").session(new MockHttpSession()).with(citizen())
                .param("consent_id", "c1").param("state", state)).andExpect(status().isBadRequest());
        mvc.perform(get("/callback").session(session).with(citizen())
                .param("consent_id", "c1").param("state", state + "x")).andExpect(status().isBadRequest());
        mvc.perform(get("/callback").session(session).with(citizen())
                .param("consent_id", "c1")).andExpect(status().isBadRequest());
        verify(vault, never()).release(anyString());
    }

    @Test
    void theSameAnswerIsTakenOnlyOnce() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);

        mvc.perform(get("/callback").session(session).with(citizen())
                .param("error", "access_denied").param("state", state)).andExpect(status().isOk());
        mvc.perform(get("/callback").session(session).with(citizen())
                .param("error", "access_denied").param("state", state)).andExpect(status().isBadRequest());
    }

    @Test
    void aRefusalIsSaidPlainly() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);

        String page = mvc.perform(get("/callback").session(session).with(citizen())
                        .param("error", "access_denied").param("state", state))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Vous avez refusé de transmettre votre justificatif de domicile");
        verify(vault, never()).release(anyString());
    }

    @Test
    void aConsentAboutSomeoneElseIsNotUsed() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);
        when(vault.release("c1")).thenReturn(new Release("c1", "another-citizen", "inscription-creche", null,
                List.of(new ReleasedDocument("d1", "justificatif-domicile", "application/pdf", null, DIGEST))));

        mvc.perform(get("/callback").session(session).with(citizen()).param("consent_id", "c1").param("state", state))
                .andExpect(status().isConflict());
        verify(vault, never()).content(anyString(), anyString());
    }

    @Test
    void aVaultRefusalIsShownWithItsFrenchDetail() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String state = request(session);
        when(vault.release("c1")).thenThrow(new VaultException(403, "consent-revoked",
                "L'habitant a retiré son accord."));

        String page = mvc.perform(get("/callback").session(session).with(citizen())
                        .param("consent_id", "c1").param("state", state))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("L&#39;habitant a retiré son accord.", "consent-revoked");
    }

    /** Sends a request from this session and returns the state the vault was given. */
    private String request(MockHttpSession session) throws Exception {
        org.mockito.Mockito.reset(vault);
        when(vault.push(any())).thenReturn(new PushedRequest("urn:civis:release-request:x", 300));
        mvc.perform(post("/demande").session(session).with(citizen()).with(csrf())).andExpect(status().isSeeOther());
        ArgumentCaptor<ReleaseRequest> pushed = ArgumentCaptor.forClass(ReleaseRequest.class);
        verify(vault).push(pushed.capture());
        return pushed.getValue().state();
    }

}
