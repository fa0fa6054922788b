package fr.civis.keycloak.otp;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;

/** The level of authentication an execution works with (option {@value #NAME}, default 2 = eidas2 in acr.loa.map). */
final class LevelSetting {

    static final String NAME = "civis-level";
    private static final int DEFAULT = 2;

    private LevelSetting() {
    }

    static int of(AuthenticatorConfigModel config) {
        try {
            return config == null ? DEFAULT : Integer.parseInt(config.getConfig().getOrDefault(NAME, "2"));
        } catch (NumberFormatException e) {
            return DEFAULT;
        }
    }

    static ProviderConfigProperty property(String help) {
        return new ProviderConfigProperty(NAME, "Level", help, ProviderConfigProperty.STRING_TYPE, String.valueOf(DEFAULT));
    }
}
