package fr.civis.keycloak.otp;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** {@value #ID}: condition "the level asked for is below N" (option {@value #LEVEL}, default 2). */
public final class LevelNotRequestedConditionFactory implements ConditionalAuthenticatorFactory {

    public static final String ID = "civis-condition-level-not-requested";
    static final String LEVEL = "civis-level";
    private static final int DEFAULT_LEVEL = 2;

    private final LevelNotRequestedCondition condition = new LevelNotRequestedCondition();

    static int level(AuthenticatorConfigModel config) {
        try {
            return config == null ? DEFAULT_LEVEL : Integer.parseInt(config.getConfig().getOrDefault(LEVEL, "2"));
        } catch (NumberFormatException e) {
            return DEFAULT_LEVEL;
        }
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Civis: condition - level not requested";
    }

    @Override
    public String getHelpText() {
        return "True when the client asked for a level of authentication below the configured one (or none).";
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
        return List.of(new ProviderConfigProperty(LEVEL, "Level", "The condition holds when the requested level is below "
                + "this one (2 is eidas2 in the realm's acr.loa.map).", ProviderConfigProperty.STRING_TYPE, "2"));
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return condition;
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
