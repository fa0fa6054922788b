package fr.civis.vault.crypto;

import java.security.GeneralSecurityException;

/**
 * The master key's device cannot work now (HSM unreachable, session lost, token removed); the wrapped keys are
 * intact. Callers answer "try again later" (503), never "broken". A {@link GeneralSecurityException}, like every
 * provider outage (see {@link KeyProvider}). Its message names the device and the key, never a PIN or key bytes.
 */
public final class KeyProviderUnavailableException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    public KeyProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
