package fr.civis.keycloak.otp;

import java.util.Optional;
import java.util.Set;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Why the portal asks for a stronger login: the act the citizen asked for ({@code civis_reason=export} on the
 * authorization request, kept by Keycloak as a client note), so that every second-factor page (e-mail or SMS code,
 * TOTP, security key) can say it again in a sentence.
 * Only the acts listed here are accepted: the page shows one of our own messages, never text from the request.
 */
final class StepUpReason {

    static final String PARAMETER = "civis_reason";
    /** The page's attribute, read by the theme's second-factor templates ({@code msg("civisStepUpReason_" + it)}). */
    static final String ATTRIBUTE = "civisStepUpReason";
    private static final Set<String> ACTS = Set.of("export", "close", "reopen", "consent", "share", "revoke");

    private StepUpReason() {
    }

    /** The act named by the authorization request of this authentication session, if it is one we know. */
    static Optional<String> of(AuthenticationSessionModel authSession) {
        return of(authSession.getClientNote(AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + PARAMETER));
    }

    /** Gives the page about to be drawn the reason of this step-up, when the portal named one. */
    static void tell(AuthenticationFlowContext context, LoginFormsProvider form) {
        of(context.getAuthenticationSession()).ifPresent(act -> form.setAttribute(ATTRIBUTE, act));
    }

    static Optional<String> of(String requested) {
        return Optional.ofNullable(requested).filter(ACTS::contains);
    }
}
