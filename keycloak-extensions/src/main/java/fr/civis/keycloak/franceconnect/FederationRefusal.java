package fr.civis.keycloak.franceconnect;

/**
 * A login refused because what the provider returned breaks a rule. The message names the rule only: never a
 * token, a claim value or a personal datum, because Keycloak may log it.
 */
final class FederationRefusal extends Exception {

    enum Reason {
        MALFORMED, ALGORITHM_NOT_ALLOWED, SIGNATURE, DECRYPTION, NOT_ENCRYPTED, ISSUER, AUDIENCE, EXPIRED, ISSUED_AT,
        NONCE, SUBJECT, LEVEL_TOO_LOW
    }

    private final Reason reason;

    FederationRefusal(Reason reason, String rule) {
        super(rule, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    /** The login-theme message shown to the citizen. */
    String messageKey() {
        return reason == Reason.LEVEL_TOO_LOW ? "civisFederationLevelTooLow" : "civisFederationRefused";
    }
}
