package fr.civis.keycloak.registration;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * After the address of a new account is verified, asks how the citizen will sign in: « Choisir un mot de passe » or
 * « Créer une clé d'accès » (ADR 0021), then leaves on the account exactly the one required action that sets the
 * chosen credential up. Until that action succeeds the account has no way in, and Keycloak issues nothing.
 *
 * <p>Triggered rather than added by the registration: any account reaching the end of a login with neither a password
 * nor a passkey (nor an identity provider) meets the choice, also one whose registration was abandoned and which
 * comes back through « Mot de passe oublié ». It is added to the authentication session only; its priority in the
 * realm puts it after {@code VERIFY_EMAIL} and before the password and passkey actions.
 */
final class FirstCredentialAction implements RequiredActionProvider {

    static final String TEMPLATE = "civis-first-credential.ftl";
    static final String FIELD = "credential";
    /** Set once the choice is made, so that the trigger does not ask again while the chosen action runs. */
    private static final String CHOSEN = "civis-first-credential.chosen";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        UserModel user = context.getUser();
        List<String> types = user.credentialManager().getStoredCredentialsStream().map(CredentialModel::getType).toList();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (FirstCredential.choiceNeeded(types, () -> user.getFederationLink() != null
                || context.getSession().users().getFederatedIdentitiesStream(context.getRealm(), user).findAny().isPresent(),
                authSession.getAuthNote(CHOSEN) != null)) {
            authSession.addRequiredAction(FirstCredentialActionFactory.ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        List<FirstCredential> offered = offered(context.getRealm());
        if (offered.isEmpty()) {
            refuse(context);
        } else if (offered.size() == 1) {
            choose(context, offered.getFirst());
        } else {
            context.challenge(form(context, offered, null));
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        List<FirstCredential> offered = offered(context.getRealm());
        if (offered.isEmpty()) {
            refuse(context);
            return;
        }
        String value = context.getHttpRequest().getDecodedFormParameters().getFirst(FIELD);
        Optional<FirstCredential> chosen = FirstCredential.ofChoice(value).filter(offered::contains);
        if (chosen.isEmpty()) {
            // Only a forged request posts anything else: worth a trace, and the page again.
            context.getEvent().user(context.getUser()).error(Errors.INVALID_INPUT);
            context.challenge(form(context, offered, "civisFirstCredentialInvalid"));
            return;
        }
        choose(context, chosen.get());
    }

    /**
     * Leaves the chosen action, and only it, on the account. On the account rather than the session: an account whose
     * set-up was interrupted keeps asking for it, and the choice is offered again at its next login anyway.
     */
    private static void choose(RequiredActionContext context, FirstCredential chosen) {
        UserModel user = context.getUser();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        for (String withdrawn : chosen.withdrawn()) {
            user.removeRequiredAction(withdrawn);
            authSession.removeRequiredAction(withdrawn);
        }
        user.addRequiredAction(chosen.requiredAction());
        authSession.setAuthNote(CHOSEN, chosen.choice());
        context.success();
    }

    private static List<FirstCredential> offered(RealmModel realm) {
        return FirstCredential.offered(alias -> {
            RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(alias);
            return action != null && action.isEnabled();
        });
    }

    /**
     * Neither action is switched on: refusing keeps the account closed, where going on would open it with no
     * credential. A dead end for the realm's misconfiguration, not a failure counted against the person.
     */
    private static void refuse(RequiredActionContext context) {
        context.getEvent().user(context.getUser()).error(Errors.NOT_ALLOWED);
        context.challenge(context.form().setError("civisFirstCredentialUnavailable")
                .createErrorPage(Response.Status.FORBIDDEN));
    }

    private static Response form(RequiredActionContext context, List<FirstCredential> offered, String error) {
        LoginFormsProvider form = context.form()
                .setAttribute("civisFirstCredentials", offered.stream().map(FirstCredential::choice).toList());
        if (error != null) {
            form.setError(error);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public void close() {
    }
}
