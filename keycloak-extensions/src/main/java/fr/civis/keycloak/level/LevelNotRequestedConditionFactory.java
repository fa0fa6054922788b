package fr.civis.keycloak.level;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** {@value #ID}: condition "the level asked for is below N and this login has not reached it yet" (default 2). */
public final class LevelNotRequestedConditionFactory implements ConditionalAuthenticatorFactory {

    public static final String ID = "civis-condition-level-not-requested";
    private final LevelNotRequestedCondition condition = new LevelNotRequestedCondition();

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
        return "True when the client asked for a level of authentication below the configured one (or none) and the "
                + "login has not reached it yet (e.g. with a passkey that verified its user).";
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
        return List.of(LevelSetting.property("The condition holds when the requested level is below this one (2 is "
                + "eidas2 in the realm's acr.loa.map) and the login has not reached it."));
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
