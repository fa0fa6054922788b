package fr.civis.keycloak.otp;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.OTPFormAuthenticator;
import org.keycloak.authentication.authenticators.browser.OTPFormAuthenticatorFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's TOTP form ({@code auth-otp-form}, replaced under the same id so that the realm's flows keep naming it),
 * which also says why the portal asked for it ({@link StepUpReason}), as the e-mail code page does: a second factor
 * that arrives without a reason is one a citizen hesitates to give.
 */
public final class ReasonedOtpFormFactory extends OTPFormAuthenticatorFactory {

    private final ReasonedOtpForm authenticator = new ReasonedOtpForm();

    @Override
    public Authenticator create(KeycloakSession session) {
        return authenticator;
    }

    private static final class ReasonedOtpForm extends OTPFormAuthenticator {

        /** Every drawing of the page (first, after a wrong code) goes through here; the form is the request's one. */
        @Override
        protected Response challenge(AuthenticationFlowContext context, String error, String field) {
            StepUpReason.tell(context, context.form());
            return super.challenge(context, error, field);
        }
    }
}
