package fr.civis.keycloak.otp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Second factor by one-time code: sends a code to the person's address or phone and checks what they type. The
 * code lives in this tab's authentication session, bound to this execution of the flow, the realm, the user and the
 * tab ({@link OneTimeCodes}). Wrong codes are login failures (brute-force detection counts them); a locked account
 * is told exactly what a wrong code is told, and is sent nothing.
 */
abstract class CodeAuthenticator implements Authenticator {

    static final String TEMPLATE = "civis-otp-code.ftl";

    protected final KeycloakSession session;
    private final SecureRandom random;
    private final Clock clock;

    CodeAuthenticator(KeycloakSession session, SecureRandom random, Clock clock) {
        this.session = session;
        this.random = random;
        this.clock = clock;
    }

    /** {@code email} or {@code sms}: picks the page's and the messages' wording. */
    abstract String channel();

    abstract Optional<String> destination(UserModel user);

    abstract String masked(String destination);

    /** Sends the code; false (after logging why, without personal data) when it could not be sent. */
    abstract boolean deliver(AuthenticationFlowContext context, String destination, String code, CodeSettings settings);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        OneTimeCodes codes = codes(context);
        Notes notes = Notes.of(context.getAuthenticationSession());
        if (!lockedOut(context) && !codes.hasLiveCode(notes, step(context))) {
            Response problem = send(context, codes, notes);
            if (problem != null) {
                context.challenge(problem);
                return;
            }
        }
        context.challenge(form(context, codes, null, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        OneTimeCodes codes = codes(context);
        Notes notes = Notes.of(context.getAuthenticationSession());
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        if (params.containsKey("resend")) {
            Response problem = lockedOut(context) ? form(context, codes, null, null) : send(context, codes, notes);
            context.challenge(problem != null ? problem : form(context, codes, null, "civisOtpResent"));
            return;
        }
        if (lockedOut(context)) {
            context.getEvent().user(context.getUser()).error(Errors.USER_TEMPORARILY_DISABLED);
            context.forceChallenge(form(context, codes, "civisOtpInvalid", null));
            return;
        }
        switch (codes.verify(notes, step(context), binding(context), params.getFirst("code"))) {
            case ACCEPTED -> context.success();
            case WRONG -> wrong(context, form(context, codes, "civisOtpInvalid", null));
            case DEAD -> wrong(context, form(context, codes, "civisOtpDead", null));
            case EXPIRED -> {
                context.getEvent().user(context.getUser()).error(Errors.EXPIRED_CODE);
                context.challenge(form(context, codes, "civisOtpExpired", null));
            }
            case NONE -> context.challenge(form(context, codes, "civisOtpExpired", null));
        }
    }

    /**
     * Keycloak's brute-force detection only counts failures of the password, OTP and recovery-code categories, and
     * our executions' category is their credential type (so that removing that credential demands eidas2): the
     * failure is reported to it explicitly as what it is, a wrong one-time code.
     */
    private static void wrong(AuthenticationFlowContext context, Response form) {
        context.getEvent().user(context.getUser()).error(Errors.INVALID_USER_CREDENTIALS);
        if (context.getRealm().isBruteForceProtected()) {
            context.getProtector().failedLogin(context.getRealm(), context.getUser(), context.getConnection(),
                    context.getUriInfo(), Set.of(OTPCredentialModel.TYPE));
        }
        context.challenge(form);
    }

    /** A new code, sent; or the page explaining why not. */
    private Response send(AuthenticationFlowContext context, OneTimeCodes codes, Notes notes) {
        Optional<String> destination = destination(context.getUser());
        if (destination.isEmpty()) {
            return form(context, codes, "civisOtpSendFailed", null);
        }
        return switch (codes.issue(notes, step(context), binding(context))) {
            case OneTimeCodes.Issue.Issued issued -> deliver(context, destination.get(), issued.code(), codes.settings())
                    ? null : form(context, codes, "civisOtpSendFailed", null);
            case OneTimeCodes.Issue.TooSoon wait -> form(context, codes, "civisOtpResendTooSoon", null, wait.seconds());
            case OneTimeCodes.Issue.TooMany ignored -> form(context, codes, "civisOtpTooManyCodes", null);
        };
    }

    private Response form(AuthenticationFlowContext context, OneTimeCodes codes, String error, String info,
            Object... args) {
        LoginFormsProvider form = context.form()
                .setAttribute("civisOtpChannel", channel())
                .setAttribute("civisOtpDestination", destination(context.getUser()).map(this::masked).orElse(""))
                .setAttribute("civisOtpMinutes", LoginMessages.minutes(codes.settings()));
        // A step-up asked by the portal: the page says again why the code is asked (the portal said it before).
        StepUpReason.tell(context, form);
        if (error != null) {
            form.addError(new FormMessage("code", error, args));
        }
        if (info != null) {
            form.setInfo(info);
        }
        return form.createForm(TEMPLATE);
    }

    private OneTimeCodes codes(AuthenticationFlowContext context) {
        return new OneTimeCodes(random, clock, CodeSettings.from(
                context.getAuthenticatorConfig() == null ? null : context.getAuthenticatorConfig().getConfig()));
    }

    private static boolean lockedOut(AuthenticationFlowContext context) {
        return AuthenticatorUtils.getDisabledByBruteForceEventError(context, context.getUser()) != null;
    }

    /** This execution of this flow: a code sent for one step is worthless at another. */
    private static String step(AuthenticationFlowContext context) {
        return "authn." + context.getExecution().getId();
    }

    static String binding(RealmModel realm, UserModel user, AuthenticationSessionModel authSession) {
        return realm.getId() + "|" + user.getId() + "|" + authSession.getParentSession().getId() + "|"
                + authSession.getTabId();
    }

    private static String binding(AuthenticationFlowContext context) {
        return binding(context.getRealm(), context.getUser(), context.getAuthenticationSession());
    }

    /** Configured for whoever has somewhere to receive the code. */
    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return destination(user).isPresent();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public void close() {
    }
}
