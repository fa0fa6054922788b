package fr.civis.keycloak.level;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;

/** The level of authentication an execution works with (option {@value #NAME}, its loa; eidas2 by default). */
final class LevelSetting {

    static final String NAME = "civis-level";
    private static final Level DEFAULT = Level.EIDAS2;

    private LevelSetting() {
    }

    static Level of(AuthenticatorConfigModel config) {
        if (config == null || !config.getConfig().containsKey(NAME)) {
            return DEFAULT;
        }
        try {
            return Level.ofLoa(Integer.parseInt(config.getConfig().get(NAME))).orElse(DEFAULT);
        } catch (NumberFormatException e) {
            return DEFAULT;
        }
    }

    static ProviderConfigProperty property(String help) {
        return new ProviderConfigProperty(NAME, "Level", help, ProviderConfigProperty.STRING_TYPE, String.valueOf(DEFAULT.loa()));
    }
}
