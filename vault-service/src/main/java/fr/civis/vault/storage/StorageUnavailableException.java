package fr.civis.vault.storage;

import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/** The object store could not be reached or refused the operation; nothing was made visible. */
public final class StorageUnavailableException extends ProblemException {

    public StorageUnavailableException(String operation, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "storage-unavailable", new IllegalStateException(operation, cause));
    }
}
