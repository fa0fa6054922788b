package fr.civis.keycloak.franceconnect;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** "Reconcile by pivot identity", for first-broker-login flows, placed before "Create user if unique". */
public class PivotReconciliationAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "civis-pivot-reconciliation";

    @Override
    public Authenticator create(KeycloakSession session) {
        return new PivotReconciliationAuthenticator();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Civis: reconcile by pivot identity";
    }

    @Override
    public String getHelpText() {
        return "Proposes linking to the one account whose certified attributes match the FranceConnect pivot identity; "
                + "the citizen then confirms and logs in to it. Several matches: nothing is proposed.";
    }

    @Override
    public String getReferenceCategory() {
        return "civis-pivot-reconciliation";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
            AuthenticationExecutionModel.Requirement.ALTERNATIVE, AuthenticationExecutionModel.Requirement.DISABLED
        };
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
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
