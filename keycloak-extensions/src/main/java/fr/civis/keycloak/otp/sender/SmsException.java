package fr.civis.keycloak.otp.sender;

/** A text message was not accepted for delivery. Its message never holds the number nor the text. */
public final class SmsException extends Exception {

    private static final long serialVersionUID = 1L;

    public SmsException(String message) {
        super(message);
    }

    public SmsException(String message, Throwable cause) {
        super(message, cause);
    }
}
