package fr.civis.consent.journal;

/** The journal could not record an event: nothing that depends on it may happen (no journal, no release). */
public class JournalUnavailableException extends RuntimeException {

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
