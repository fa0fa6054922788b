package fr.civis.keycloak.registration;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegisterFactory;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * The first way into a citizen's account, chosen once the address is verified (ADR 0021): a password or a passkey,
 * each with the value the choice page posts and Keycloak's required action that sets it up. A second factor (app,
 * security key, phone) is not a way in on its own, so it does not count as one here.
 */
enum FirstCredential {

    PASSWORD("password", UserModel.RequiredAction.UPDATE_PASSWORD.name()),
    PASSKEY("passkey", WebAuthnPasswordlessRegisterFactory.PROVIDER_ID);

    /** The credentials that open an account on the login page, each on its own. */
    private static final List<String> WAYS_IN = List.of(PasswordCredentialModel.TYPE,
            WebAuthnCredentialModel.TYPE_PASSWORDLESS);

    private final String choice;
    private final String requiredAction;

    FirstCredential(String choice, String requiredAction) {
        this.choice = choice;
        this.requiredAction = requiredAction;
    }

    /** The button's value. */
    String choice() {
        return choice;
    }

    /** The alias of the required action that sets it up. */
    String requiredAction() {
        return requiredAction;
    }

    /**
     * The required actions to withdraw once this one is chosen: the account must then ask for exactly one. Keycloak's
     * registration step has already put {@code UPDATE_PASSWORD} on the account, which would otherwise force a password
     * after the passkey.
     */
    List<String> withdrawn() {
        return Arrays.stream(values()).filter(other -> other != this).map(FirstCredential::requiredAction).toList();
    }

    /**
     * Whether the account must still choose its first way in: it has neither a password nor a passkey, it is not
     * opened through an identity provider or a user federation (FranceConnect accounts have no credential of their
     * own, on purpose), and the choice was not already made in this authentication session (its action then runs).
     */
    static boolean choiceNeeded(Collection<String> storedCredentialTypes, BooleanSupplier federated,
            boolean alreadyChosen) {
        // The federation is looked up last: it costs a query, and most accounts have a password.
        return !alreadyChosen && storedCredentialTypes.stream().noneMatch(WAYS_IN::contains) && !federated.getAsBoolean();
    }

    /**
     * The choices whose required action the realm has switched on. Keycloak silently skips a disabled required action,
     * which here would let the person in with no credential at all: such a choice is neither shown nor accepted.
     */
    static List<FirstCredential> offered(Predicate<String> enabledAction) {
        return Arrays.stream(values()).filter(credential -> enabledAction.test(credential.requiredAction)).toList();
    }

    /**
     * The credential a submitted value names, compared exactly: the value comes from the browser, so anything else
     * (case, spaces, a required action's own alias) names nothing.
     */
    static Optional<FirstCredential> ofChoice(String value) {
        return Arrays.stream(values()).filter(credential -> credential.choice.equals(value)).findFirst();
    }
}
