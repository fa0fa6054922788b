package fr.civis.keycloak.level;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** {@value #ID}: a login with a passkey that verified its user reaches the configured level (default 2, eidas2). */
public final class PasskeyLevelAuthenticatorFactory implements AuthenticatorFactory {

    public static final String ID = "civis-passkey-level";

    private final PasskeyLevelAuthenticator authenticator = new PasskeyLevelAuthenticator();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Civis: passkey with user verification reaches a level";
    }

    @Override
    public String getHelpText() {
        return "After the login form: when the person logged in with a passkey and the passwordless policy requires user "
                + "verification, records the configured level (eidas2) as reached. Otherwise does nothing.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED,
                AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of(LevelSetting.property("The level a passkey login with user verification reaches (2 is eidas2 in "
                + "the realm's acr.loa.map)."));
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return authenticator;
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
