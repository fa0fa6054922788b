package fr.civis.keycloak.otp;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.WebAuthnAuthenticator;
import org.keycloak.authentication.authenticators.browser.WebAuthnAuthenticatorFactory;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's security-key step ({@code webauthn-authenticator}, replaced under the same id so that the realm's flows
 * keep naming it), whose page also says why the portal asked for a second factor ({@link StepUpReason}).
 */
public final class ReasonedWebAuthnFactory extends WebAuthnAuthenticatorFactory {

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ReasonedWebAuthn(session);
    }

    private static final class ReasonedWebAuthn extends WebAuthnAuthenticator {

        ReasonedWebAuthn(KeycloakSession session) {
            super(session);
        }

        @Override
        public LoginFormsProvider fillContextForm(AuthenticationFlowContext context) {
            LoginFormsProvider form = super.fillContextForm(context);
            StepUpReason.tell(context, form);
            return form;
        }
    }
}
