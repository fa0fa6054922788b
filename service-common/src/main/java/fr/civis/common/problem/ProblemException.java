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

    public ProblemException(HttpStatus status, String code) {
        super(code);
        this.status = status;
        this.code = code;
    }

    public ProblemException(HttpStatus status, String code, Throwable cause) {
        super(code, cause);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Headers the answer carries beside the problem body; none unless a refusal needs them (a challenge, say). */
    public HttpHeaders headers() {
        return new HttpHeaders();
    }
}
