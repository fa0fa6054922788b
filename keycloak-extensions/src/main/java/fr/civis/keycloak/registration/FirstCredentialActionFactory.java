package fr.civis.keycloak.registration;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** {@value #ID}: a new account's first way in, a password or a passkey, chosen once its address is verified. */
public final class FirstCredentialActionFactory implements RequiredActionFactory {

    public static final String ID = "civis-first-credential";

    /** Stateless: one instance serves every session. */
    private static final FirstCredentialAction ACTION = new FirstCredentialAction();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Civis: choose a password or a passkey (new account)";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return ACTION;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
