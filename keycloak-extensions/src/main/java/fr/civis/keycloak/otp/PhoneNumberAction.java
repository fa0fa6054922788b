package fr.civis.keycloak.otp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.CredentialAction;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import fr.civis.keycloak.factors.FactorChanges;

/**
 * Enrols a mobile number: the person types it (normalised to E.164), receives a code by SMS, types it back, and only
 * then does the number become their {@value SmsCredentialProvider#TYPE} second factor. The code is bound to the
 * number it was sent to, so a code received on one phone never confirms another; changing the number does not reset
 * the sending limits.
 */
final class PhoneNumberAction implements RequiredActionProvider, CredentialAction {

    static final String TEMPLATE = "civis-phone-number.ftl";
    private static final String STEP = "action." + PhoneNumberActionFactory.ID;
    private static final String CANDIDATE = "civis-phone.candidate";

    private final KeycloakSession session;
    private final OneTimeCodes codes;

    PhoneNumberAction(KeycloakSession session, SecureRandom random, Clock clock) {
        this.session = session;
        this.codes = new OneTimeCodes(random, clock, CodeSettings.DEFAULT);
    }

    /** Keycloak then asks for eidas2 before an application-initiated change when the person has a second factor. */
    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return SmsCredentialProvider.TYPE;
    }

    /**
     * « Recevoir les codes par SMS » in the portal runs this action through {@code kc_action}; without this, Keycloak
     * refuses it at once ({@code kc_action_status=error}).
     */
    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!FactorChanges.allowed(context)) {
            return;
        }
        context.challenge(numberForm(context, null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (!FactorChanges.allowed(context)) {
            return;
        }
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        Notes notes = Notes.of(context.getAuthenticationSession());
        String candidate = notes.get(CANDIDATE);
        if (params.containsKey("change") || (candidate == null && !params.containsKey("phone"))) {
            notes.remove(CANDIDATE);
            context.challenge(numberForm(context, null));
        } else if (params.containsKey("phone")) {
            Optional<String> number = PhoneNumbers.normalise(params.getFirst("phone"));
            if (number.isEmpty()) {
                context.challenge(numberForm(context, new FormMessage("phone", "civisPhoneInvalid")));
                return;
            }
            notes.set(CANDIDATE, number.get());
            Response problem = send(context, number.get());
            context.challenge(problem != null ? problem : codeForm(context, number.get(), null, null));
        } else if (params.containsKey("resend")) {
            Response problem = send(context, candidate);
            context.challenge(problem != null ? problem : codeForm(context, candidate, null, "civisOtpResent"));
        } else {
            switch (codes.verify(notes, STEP, binding(context, candidate), params.getFirst("code"))) {
                case ACCEPTED -> {
                    notes.remove(CANDIDATE);
                    ((SmsCredentialProvider) session.getProvider(CredentialProvider.class, SmsCredentialProvider.TYPE))
                            .enrol(context.getRealm(), context.getUser(), candidate);
                    // Reported as Keycloak's own enrolments are (UPDATE_CREDENTIAL with its type), which Keycloak
                    // sends once the action succeeds; left as CUSTOM_REQUIRED_ACTION, the journal would not see it.
                    context.getEvent().event(EventType.UPDATE_CREDENTIAL)
                            .detail(Details.CREDENTIAL_TYPE, SmsCredentialProvider.TYPE);
                    context.success();
                }
                case WRONG -> wrong(context, codeForm(context, candidate, "civisOtpInvalid", null));
                case DEAD -> wrong(context, codeForm(context, candidate, "civisOtpDead", null));
                case EXPIRED, NONE -> context.challenge(codeForm(context, candidate, "civisOtpExpired", null));
            }
        }
    }

    private static void wrong(RequiredActionContext context, Response form) {
        context.getEvent().user(context.getUser()).error(Errors.INVALID_CODE);
        context.challenge(form);
    }

    private Response send(RequiredActionContext context, String number) {
        return switch (codes.issue(Notes.of(context.getAuthenticationSession()), STEP, binding(context, number))) {
            case OneTimeCodes.Issue.Issued issued -> SmsCodeAuthenticator.send(session, context.getRealm(),
                    context.getUser(), number, issued.code(), codes.settings())
                    ? null : numberForm(context, new FormMessage("phone", "civisOtpSendFailed"));
            case OneTimeCodes.Issue.TooSoon wait ->
                    codeForm(context, number, "civisOtpResendTooSoon", null, wait.seconds());
            case OneTimeCodes.Issue.TooMany ignored -> codeForm(context, number, "civisOtpTooManyCodes", null);
        };
    }

    private static String binding(RequiredActionContext context, String number) {
        return CodeAuthenticator.binding(context.getRealm(), context.getUser(), context.getAuthenticationSession())
                + "|" + number;
    }

    private static Response numberForm(RequiredActionContext context, FormMessage error) {
        LoginFormsProvider form = context.form().setAttribute("civisPhoneStep", "number");
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(TEMPLATE);
    }

    private Response codeForm(RequiredActionContext context, String number, String error, String info, Object... args) {
        LoginFormsProvider form = context.form()
                .setAttribute("civisPhoneStep", "code")
                .setAttribute("civisOtpDestination", PhoneNumbers.masked(number))
                .setAttribute("civisOtpMinutes", LoginMessages.minutes(codes.settings()));
        if (error != null) {
            form.addError(new FormMessage("code", error, args));
        }
        if (info != null) {
            form.setInfo(info);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public void close() {
    }
}
