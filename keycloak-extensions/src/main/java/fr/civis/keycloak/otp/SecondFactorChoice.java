package fr.civis.keycloak.otp;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * Lets a member of staff without a second factor pick the one to set up ({@link StaffFactor}), then hands over to the
 * required action that enrols it. The action is added to the authentication session, not to the user: Keycloak runs
 * it once the flow is over and before any user session or code exists, and it stays pending until it succeeds, so
 * the person is not let in without the factor; a login started afresh asks for the choice again.
 */
final class SecondFactorChoice implements Authenticator {

    static final String TEMPLATE = "civis-choose-second-factor.ftl";
    static final String FIELD = "factor";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        List<StaffFactor> offered = offered(context.getRealm());
        if (offered.isEmpty()) {
            refuse(context);
            return;
        }
        context.challenge(form(context, offered, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        List<StaffFactor> offered = offered(context.getRealm());
        if (offered.isEmpty()) {
            refuse(context);
            return;
        }
        String value = context.getHttpRequest().getDecodedFormParameters().getFirst(FIELD);
        Optional<StaffFactor> chosen = StaffFactor.ofChoice(value).filter(offered::contains);
        if (chosen.isEmpty()) {
            // A value the page never offered was typed or forged: worth a trace, but it adds nothing.
            if (value != null && !value.isEmpty()) {
                context.getEvent().user(context.getUser()).error(Errors.INVALID_INPUT);
            }
            context.challenge(form(context, offered, new FormMessage(FIELD, "civisFactorChoiceInvalid")));
            return;
        }
        context.getAuthenticationSession().addRequiredAction(chosen.get().requiredAction());
        context.success();
    }

    /**
     * The factors whose enrolment is switched on in the realm. Keycloak silently skips a disabled or unknown required
     * action, which here would let the person in without any factor: such a choice is neither shown nor accepted.
     */
    static List<StaffFactor> offered(RealmModel realm) {
        return Arrays.stream(StaffFactor.values()).filter(factor -> {
            RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(factor.requiredAction());
            return action != null && action.isEnabled();
        }).toList();
    }

    /**
     * No enrolment is switched on: refusing is the only answer that keeps the rule "staff always use two factors". A
     * dead end rather than a flow failure, which brute-force detection would count against the person for the
     * realm's own misconfiguration.
     */
    private static void refuse(AuthenticationFlowContext context) {
        context.getEvent().user(context.getUser()).error(Errors.NOT_ALLOWED);
        context.challenge(context.form().setError("civisFactorChoiceUnavailable")
                .createErrorPage(Response.Status.FORBIDDEN));
    }

    private static Response form(AuthenticationFlowContext context, List<StaffFactor> offered, FormMessage error) {
        LoginFormsProvider form = context.form()
                .setAttribute("civisFactors", offered.stream().map(StaffFactor::choice).toList());
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    /** There is nothing to configure for a choice: it applies to whoever the flow brings here. */
    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
