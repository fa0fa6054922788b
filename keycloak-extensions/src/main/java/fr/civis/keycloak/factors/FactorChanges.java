package fr.civis.keycloak.factors;

import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.events.Errors;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

import fr.civis.keycloak.level.Level;
import fr.civis.keycloak.otp.SmsCredentialProvider;

/**
 * Someone who already has a second factor adds or replaces one only after proving it at eidas2: otherwise a stolen
 * password would be enough to put the thief's own phone or passkey in place. For application-initiated actions
 * Keycloak asks for that level first (the actions declare their credential type); this check also covers a required
 * action met during an ordinary login. A first factor is enrolled at any level.
 */
public final class FactorChanges {

    private static final Set<String> SECOND_FACTORS = Set.of(OTPCredentialModel.TYPE,
            WebAuthnCredentialModel.TYPE_TWOFACTOR, WebAuthnCredentialModel.TYPE_PASSWORDLESS,
            RecoveryAuthnCodesCredentialModel.TYPE, SmsCredentialProvider.TYPE);

    private FactorChanges() {
    }

    /** Whether the change may go on; if not, the refusal page is already the context's challenge. */
    public static boolean allowed(RequiredActionContext context) {
        boolean hasSecondFactor = context.getUser().credentialManager().getStoredCredentialsStream()
                .anyMatch(credential -> SECOND_FACTORS.contains(credential.getType()));
        if (!hasSecondFactor || atEidas2(context)) {
            return true;
        }
        refuse(context, "civisFactorNeedsEidas2");
        return false;
    }

    static boolean atEidas2(RequiredActionContext context) {
        return new AcrStore(context.getSession(), context.getAuthenticationSession())
                .getLevelOfAuthenticationFromCurrentAuthentication() >= Level.EIDAS2.loa();
    }

    /** Answers with the refusal page (message {@code messageKey}) and records the refusal. */
    static void refuse(RequiredActionContext context, String messageKey) {
        context.getEvent().user(context.getUser()).error(Errors.NOT_ALLOWED);
        context.challenge(context.form().setError(messageKey).createErrorPage(Response.Status.FORBIDDEN));
    }
}
