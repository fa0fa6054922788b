package fr.civis.vault.scanning;

import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/** Scanning is required and clamd did not answer or failed: the upload is refused, not waved through. */
public final class ScannerUnavailableException extends ProblemException {

    ScannerUnavailableException(String reason, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "scanner-unavailable", new IllegalStateException(reason, cause));
    }
}
