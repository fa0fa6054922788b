package fr.civis.vault.crypto;

import java.io.IOException;

/**
 * A sealed key, document or field did not open: it was altered, truncated, moved to another owner, document,
 * version or field, or sealed under another key.
 *
 * <p>This is the one exception the package throws for every such failure, whether it is found when a key is
 * unwrapped or in the middle of a content stream (hence an {@link IOException}). Its message names what did not
 * open, never any plaintext or key material. A stream that throws it has delivered no byte of the segment that
 * failed, and goes on throwing it.
 */
public final class SealBrokenException extends IOException {

    private static final long serialVersionUID = 1L;

    SealBrokenException(String what, Throwable cause) {
        super(what + " did not open: altered, truncated, moved to another record, or sealed under another key",
                cause);
    }

    SealBrokenException(String what, String reason) {
        super(what + " did not open: " + reason);
    }
}
