package fr.civis.keycloak.directgrant;

import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Who may get a token for the password alone: only an account that neither has a second factor nor must have one.
 * Every stored credential other than the password counts as a second factor (TOTP, SMS phone, passkey or security
 * key, recovery codes, and whatever comes later), so a new kind of factor is protected without a change here.
 */
final class PasswordOnlyPolicy {

    /** The realm role that agents, DPO and administrators hold through their composite roles (ADR 0010). */
    static final String SECOND_FACTOR_REQUIRED_ROLE = "second-factor-required";

    /** What a password is stored as: the password itself and its history (the "not one of the last 3" rule). */
    private static final Set<String> PASSWORD_TYPES = Set.of(PasswordCredentialModel.TYPE,
            PasswordCredentialModel.PASSWORD_HISTORY);

    private PasswordOnlyPolicy() {
    }

    /**
     * @param mustHaveSecondFactor whether the account holds {@value #SECOND_FACTOR_REQUIRED_ROLE}
     * @param credentialTypes      the types of the account's stored credentials
     */
    static boolean allows(boolean mustHaveSecondFactor, Stream<String> credentialTypes) {
        return !mustHaveSecondFactor && credentialTypes.allMatch(PASSWORD_TYPES::contains);
    }
}
