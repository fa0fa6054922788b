package fr.civis.keycloak.otp;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;

/**
 * Texts that leave Keycloak (e-mail, SMS) in the person's language, from the realm's login theme bundles, so that a
 * city words them in one place with the pages.
 */
final class LoginMessages {

    private LoginMessages() {
    }

    static String format(KeycloakSession session, UserModel user, String key, Object... args) {
        Locale locale = session.getContext().resolveLocale(user);
        try {
            Properties messages = session.theme().getTheme(Theme.Type.LOGIN)
                    .getEnhancedMessages(session.getContext().getRealm(), locale);
            return new MessageFormat(messages.getProperty(key, key), locale).format(args);
        } catch (IOException e) {
            throw new IllegalStateException("Login theme messages unreadable", e);
        }
    }

    /** The name the city gives the realm (its display name), else the realm's own name. */
    static String cityName(RealmModel realm) {
        return realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
    }

    /** Whole minutes for "valid N minutes", never 0. */
    static long minutes(CodeSettings settings) {
        return Math.max(1, (settings.lifetime().toSeconds() + 59) / 60);
    }
}
