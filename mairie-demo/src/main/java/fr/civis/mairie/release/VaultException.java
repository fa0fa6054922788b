package fr.civis.mairie.release;

/** The vault refused or could not answer; {@code code} and {@code detail} come from its problem+json when it sent one. */
public final class VaultException extends RuntimeException {

    private final int status;
    private final String code;
    private final String detail;

    public VaultException(int status, String code, String detail) {
        super("vault answered " + status + (code == null ? "" : " (" + code + ")"));
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = null;
        this.detail = null;
    }

    /** HTTP status, 0 when the vault could not be reached. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The vault's own French explanation, when it gave one. */
    public String detail() {
        return detail;
    }
}
