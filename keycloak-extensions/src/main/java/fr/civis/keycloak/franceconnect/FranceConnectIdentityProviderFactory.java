package fr.civis.keycloak.franceconnect;

import java.util.List;

import org.keycloak.broker.provider.AbstractIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import fr.civis.keycloak.level.Level;

/** FranceConnect-style identity providers; several instances (FranceConnect, ProConnect…) may live in one realm. */
public class FranceConnectIdentityProviderFactory extends AbstractIdentityProviderFactory<FranceConnectIdentityProvider> {

    public static final String PROVIDER_ID = "franceconnect";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getName() {
        return "FranceConnect";
    }

    @Override
    public FranceConnectIdentityProvider create(KeycloakSession session, IdentityProviderModel model) {
        return new FranceConnectIdentityProvider(session, new FranceConnectIdentityProviderConfig(model));
    }

    @Override
    public FranceConnectIdentityProviderConfig createConfig() {
        return new FranceConnectIdentityProviderConfig();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(FranceConnectIdentityProviderConfig.ENVIRONMENT).label("Environment")
                .helpText("integration, production (FranceConnect v2 issuers) or custom (the issuer below).")
                .type(ProviderConfigProperty.LIST_TYPE).options("integration", "production", "custom").defaultValue("custom").add()
                .property().name(FranceConnectIdentityProviderConfig.PINNED_ISSUER).label("Issuer (custom)")
                .helpText("Endpoints are read from this issuer's discovery document, whose issuer must be identical.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(FranceConnectIdentityProviderConfig.ACR_LEVELS).label("Levels")
                .helpText("acr values the provider may return, weakest first, each with the realm level it counts as.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(FranceConnectIdentityProviderConfig.DEFAULT_LEVELS).add()
                .property().name(FranceConnectIdentityProviderConfig.MINIMUM_LEVEL).label("Minimum level")
                .helpText("Requested in acr_values; a lower returned level is refused.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Level.EIDAS1.acr()).add()
                .property().name(FranceConnectIdentityProviderConfig.SIGNATURE_ALGORITHMS).label("Signature algorithms")
                .helpText("Accepted for the ID token and userinfo: ES256, RS256.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue("ES256 RS256").add()
                .property().name(FranceConnectIdentityProviderConfig.USERINFO_ENCRYPTION_REQUIRED).label("Encrypted userinfo required")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
                .property().name(FranceConnectIdentityProviderConfig.DECRYPTION_KEY_IDS).label("Decryption key ids")
                .helpText("Realm encryption keys (kid) that may decrypt for this provider; empty: every enabled one.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(FranceConnectIdentityProviderConfig.FC_PROMPT).label("prompt")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue("login").add()
                .build();
    }
}
