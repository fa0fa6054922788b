package fr.civis.vault.masterkey;

import fr.civis.vault.crypto.MasterKeySources.Store;

/**
 * A master key in use did not open at start: the vault refuses to start rather than serve documents it cannot
 * open. The message is for the person who runs the service, in French then English; it names the key and its
 * store and the device's own reason, never a PIN or key bytes.
 */
public final class MasterKeyUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String keyId;
    private final String store;

    MasterKeyUnavailableException(String keyId, Store store, Throwable cause) {
        super(message(keyId, store, cause), cause);
        this.keyId = keyId;
        this.store = store.code();
    }

    /** Same refusal, for a device that could not even be reached (no key opened yet). */
    MasterKeyUnavailableException(String device, Throwable cause) {
        super("""
                Le coffre ne démarre pas : le module de sécurité qui garde sa clé maîtresse (%s) est injoignable \
                ou a refusé la connexion. Aucun document n'a été touché. Vérifiez que le HSM est joignable, sa \
                configuration (civis.keys.pkcs11.*) et le code PIN (CIVIS_KEYS_PKCS11_PIN), puis relancez.
                The vault does not start: the security module that holds its master key (%s) cannot be reached \
                or refused the login. No document was touched. Check that the HSM is reachable, its settings \
                (civis.keys.pkcs11.*) and the PIN (CIVIS_KEYS_PKCS11_PIN), then start again.
                Cause: %s""".formatted(device, device, cause), cause);
        this.keyId = null;
        this.store = "pkcs11";
    }

    public String keyId() {
        return keyId;
    }

    public String store() {
        return store;
    }

    private static String message(String keyId, Store store, Throwable cause) {
        String where = store == Store.PKCS11 ? "module de sécurité PKCS#11 (HSM)" : "magasin de clés PKCS#12";
        String whereEn = store == Store.PKCS11 ? "PKCS#11 security module (HSM)" : "PKCS#12 key store";
        return """
                Le coffre ne démarre pas : sa clé maîtresse « %s » (%s) ne s'ouvre pas : appareil injoignable, \
                code PIN ou phrase de passe refusés, ou clé absente. Aucun document n'a été touché. Rétablissez \
                l'accès à la clé, puis relancez.
                The vault does not start: its master key '%s' (%s) does not open: device unreachable, PIN or \
                passphrase refused, or key missing. No document was touched. Restore access to the key, then \
                start again.
                Cause: %s""".formatted(keyId, where, keyId, whereEn, cause);
    }
}
