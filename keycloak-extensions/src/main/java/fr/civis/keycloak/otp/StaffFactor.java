package fr.civis.keycloak.otp;

import java.util.Arrays;
import java.util.Optional;

import org.keycloak.models.UserModel;

/**
 * The second factors a member of staff may set up at first login, each with the value the choice page posts and the
 * required action that enrols it. The e-mail code is not one of them on purpose: the mailbox also resets the password,
 * so for staff it would not be a second factor at all (ADR 0010).
 */
enum StaffFactor {

    APP("app", UserModel.RequiredAction.CONFIGURE_TOTP.name()),
    KEY("key", "webauthn-register"),
    SMS("sms", PhoneNumberActionFactory.ID);

    private final String choice;
    private final String requiredAction;

    StaffFactor(String choice, String requiredAction) {
        this.choice = choice;
        this.requiredAction = requiredAction;
    }

    /** The radio button's value. */
    String choice() {
        return choice;
    }

    /** The alias of the required action that enrols it. */
    String requiredAction() {
        return requiredAction;
    }

    /**
     * The factor a submitted value names, compared exactly: the value comes from the browser, so anything else, however
     * close (case, spaces, a required action's own alias), names nothing.
     */
    static Optional<StaffFactor> ofChoice(String value) {
        return Arrays.stream(values()).filter(factor -> factor.choice.equals(value)).findFirst();
    }
}
