package fr.civis.keycloak.factors;

import com.webauthn4j.verifier.attestation.trustworthiness.certpath.CertPathTrustworthinessVerifier;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.requiredactions.WebAuthnRegister;
import org.keycloak.authentication.requiredactions.WebAuthnRegisterFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's security-key registration ({@code webauthn-register}, replaced under the same id), declared as an action
 * on the {@code webauthn} credential and guarded by {@link FactorChanges}, for the same reason as
 * {@link StepUpTotpEnrolment}: adding a key when one already has a second factor takes a fresh eidas2 login.
 */
public final class StepUpWebAuthnRegisterFactory extends WebAuthnRegisterFactory {

    @Override
    protected WebAuthnRegister createProvider(KeycloakSession session, CertPathTrustworthinessVerifier trustVerifier) {
        return new StepUpWebAuthnRegister(session, trustVerifier);
    }

    private static final class StepUpWebAuthnRegister extends WebAuthnRegister implements CredentialAction {

        StepUpWebAuthnRegister(KeycloakSession session, CertPathTrustworthinessVerifier trustVerifier) {
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
