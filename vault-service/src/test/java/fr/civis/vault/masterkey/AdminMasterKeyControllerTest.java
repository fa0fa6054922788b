package fr.civis.vault.masterkey;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.MasterKeySources;
import fr.civis.vault.crypto.MasterKeySources.Store;

/** Starting a rotation and retiring a key: administrators at eidas2 only; refusals as problem+json. */
@WebMvcTest(controllers = AdminMasterKeyController.class)
@TestPropertySource(properties = {
        "civis.security.issuer=http://localhost:8080/realms/civis",
        "civis.security.audience=civis-vault"})
class AdminMasterKeyControllerTest {

    private static final String ROTATION = "/api/v1/admin/master-keys/rotation";
    private static final String BODY = "{\"keyId\":\"civis-hsm-2\",\"generate\":true}";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    MasterKeyRotation rotation;
    @MockitoBean
    MasterKeySources sources;

    private static RequestPostProcessor token(String role, String acr) {
        return jwt().jwt(token -> token.subject("4d1c7a0e-0000-4000-8000-000000000001").claim("acr", acr)
                .claim("azp", "civis-admin").claim("realm_access", Map.of("roles", List.of(role))));
    }

    @Test
    void anAdministratorAtEidas2StartsARotationInTheHsmWhenThereIsOne() throws Exception {
        when(sources.has(Store.PKCS11)).thenReturn(true);
        when(rotation.start("civis-hsm-2", Store.PKCS11, true)).thenReturn(new MasterKeyRotation.Progress(1,
                "civis-hsm-2", "running", 0, 20_000, null, 0, OffsetDateTime.now(), OffsetDateTime.now(), null));
        mvc.perform(post(ROTATION).with(token("admin", "eidas2")).contentType(MediaType.APPLICATION_JSON)
                        .content(BODY))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.targetKey").value("civis-hsm-2"))
                .andExpect(jsonPath("$.total").value(20_000));
        verify(rotation).start("civis-hsm-2", Store.PKCS11, true);
    }

    @Test
    void belowEidas2TheAdministratorIsChallengedAndNothingStarts() throws Exception {
        mvc.perform(post(ROTATION).with(token("admin", "eidas1")).contentType(MediaType.APPLICATION_JSON)
                        .content(BODY))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("insufficient-user-authentication"));
        verifyNoInteractions(rotation);
    }

    @Test
    void aCitizenOrAnAgentCannotRotate() throws Exception {
        for (String role : List.of("citizen", "agent", "dpo")) {
            mvc.perform(post(ROTATION).with(token(role, "eidas2")).contentType(MediaType.APPLICATION_JSON)
                            .content(BODY))
                    .andExpect(status().isForbidden());
        }
        verifyNoInteractions(rotation);
    }

    @Test
    void retiringAKeyStillInUseIsRefusedWithItsCount() throws Exception {
        doThrow(ProblemException.withValues(HttpStatus.CONFLICT, "master-key-in-use", 1234L))
                .when(rotation).retire("civis-master-1");
        mvc.perform(post("/api/v1/admin/master-keys/civis-master-1/retirement").with(token("admin", "eidas2")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("master-key-in-use"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("1")));
    }

    @Test
    void aKeyIdIsValidated() throws Exception {
        mvc.perform(post(ROTATION).with(token("admin", "eidas2")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"keyId\":\"../etc\"}"))
                .andExpect(status().isBadRequest());
        verify(rotation, org.mockito.Mockito.never()).start(anyString(), any(), anyBoolean());
    }
}
