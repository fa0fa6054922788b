package fr.civis.common.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A refusal the caller can act on: its HTTP status and a stable code, whose French and English messages live in
 * the {@code civis-problems} (shared) or {@code service-problems} (per service) bundles.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final Object[] values;

    public ProblemException(HttpStatus status, String code) {
        this(status, code, null, new Object[0]);
    }

    public ProblemException(HttpStatus status, String code, Throwable cause) {
        this(status, code, cause, new Object[0]);
    }

    private ProblemException(HttpStatus status, String code, Throwable cause, Object[] values) {
        super(code, cause);
        this.status = status;
        this.code = code;
        this.values = values.clone();
    }

    /**
     * A refusal whose message names values, such as the limits in force: {@code {0}}, {@code {1}}… in the bundle's
     * detail (a message with values is a {@link java.text.MessageFormat}: its apostrophes are doubled).
     */
    public static ProblemException withValues(HttpStatus status, String code, Object... values) {
        return new ProblemException(status, code, null, values);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The values the message names; empty for most problems. */
    public Object[] values() {
        return values.clone();
    }

    /** Headers the answer carries beside the problem body; none unless a refusal needs them (a challenge, say). */
    public HttpHeaders headers() {
        return new HttpHeaders();
    }
}
