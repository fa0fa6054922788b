package fr.civis.keycloak.factors;

import com.webauthn4j.verifier.attestation.trustworthiness.certpath.CertPathTrustworthinessVerifier;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegister;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegisterFactory;
import org.keycloak.authentication.requiredactions.WebAuthnRegister;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's passkey registration ({@code webauthn-register-passwordless}, replaced under the same id). A passkey with
 * user verification logs in at eidas2 on its own, so adding one demands what eidas2 demands: it declares the
 * second-factor key type (Keycloak then asks for eidas2 first when the person has a second factor) and refuses
 * outright when reached below that level ({@link FactorChanges}).
 */
public final class StepUpPasskeyRegisterFactory extends WebAuthnPasswordlessRegisterFactory {

    @Override
    protected WebAuthnRegister createProvider(KeycloakSession session, CertPathTrustworthinessVerifier trustVerifier) {
        return new StepUpPasskeyRegister(session, trustVerifier);
    }

    private static final class StepUpPasskeyRegister extends WebAuthnPasswordlessRegister implements CredentialAction {

        StepUpPasskeyRegister(KeycloakSession session, CertPathTrustworthinessVerifier trustVerifier) {
            super(session, trustVerifier);
        }

        @Override
        public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
            return WebAuthnCredentialModel.TYPE_TWOFACTOR;
        }

        @Override
        public void requiredActionChallenge(RequiredActionContext context) {
            if (FactorChanges.allowed(context)) {
                super.requiredActionChallenge(context);
            }
        }

        @Override
        public void processAction(RequiredActionContext context) {
            if (FactorChanges.allowed(context)) {
                super.processAction(context);
            }
        }
    }
}
