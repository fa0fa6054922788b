package fr.civis.keycloak.otp;

import java.util.Optional;
import java.util.Set;

import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Why the portal asks for a stronger login: the act the citizen asked for ({@code civis_reason=export} on the
 * authorization request, kept by Keycloak as a client note), so that the code page can say it again in a sentence.
 * Only the acts listed here are accepted: the page shows one of our own messages, never text from the request.
 */
final class StepUpReason {

    static final String PARAMETER = "civis_reason";
    private static final Set<String> ACTS = Set.of("export", "close", "reopen", "consent", "share", "revoke");

    private StepUpReason() {
    }

    /** The act named by the authorization request of this authentication session, if it is one we know. */
    static Optional<String> of(AuthenticationSessionModel authSession) {
        return of(authSession.getClientNote(AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + PARAMETER));
    }

    static Optional<String> of(String requested) {
        return Optional.ofNullable(requested).filter(ACTS::contains);
    }
}
