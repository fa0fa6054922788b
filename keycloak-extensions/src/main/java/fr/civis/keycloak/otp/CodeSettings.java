package fr.civis.keycloak.otp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.keycloak.provider.ProviderConfigProperty;

/**
 * How long a code lives and how soon another may be sent. Read from the authenticator's configuration in the admin
 * console (tests shorten the lifetime); anything missing or out of bounds falls back to the safe default.
 */
record CodeSettings(Duration lifetime, Duration resendDelay) {

    static final String LIFETIME = "civis-otp-lifetime-seconds";
    static final String RESEND_DELAY = "civis-otp-resend-delay-seconds";
    static final CodeSettings DEFAULT = new CodeSettings(Duration.ofMinutes(5), Duration.ofSeconds(30));

    static CodeSettings from(Map<String, String> config) {
        if (config == null) {
            return DEFAULT;
        }
        return new CodeSettings(
                seconds(config.get(LIFETIME), 1, 300, DEFAULT.lifetime()),
                seconds(config.get(RESEND_DELAY), 1, 600, DEFAULT.resendDelay()));
    }

    /** Never longer than the default lifetime: a setting can only make a code weaker to guess, not longer to live. */
    private static Duration seconds(String value, long min, long max, Duration fallback) {
        try {
            long parsed = Long.parseLong(value == null ? "" : value.trim());
            return parsed < min || parsed > max ? fallback : Duration.ofSeconds(parsed);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static List<ProviderConfigProperty> properties() {
        ProviderConfigProperty lifetime = new ProviderConfigProperty(LIFETIME, "Code lifetime (seconds)",
                "How long a code stays valid, 1 to 300 seconds (default 300).", ProviderConfigProperty.STRING_TYPE, "300");
        ProviderConfigProperty resend = new ProviderConfigProperty(RESEND_DELAY, "Resend delay (seconds)",
                "How long the person waits before asking for another code, 1 to 600 seconds (default 30).",
                ProviderConfigProperty.STRING_TYPE, "30");
        return List.of(lifetime, resend);
    }
}
