package fr.civis.keycloak.franceconnect;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;

import fr.civis.keycloak.level.Level;

import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.RealmModel;

import static org.keycloak.common.util.UriUtils.checkUrl;

/**
 * Settings of one FranceConnect-style identity provider instance. Endpoints are never configured by hand: they come
 * from the provider's discovery document, whose {@code issuer} must equal the pinned issuer.
 */
public class FranceConnectIdentityProviderConfig extends OIDCIdentityProviderConfig {

    static final String ENVIRONMENT = "civisEnvironment";
    static final String PINNED_ISSUER = "civisIssuer";
    static final String ACR_LEVELS = "civisAcrLevels";
    static final String MINIMUM_LEVEL = "civisMinimumLevel";
    static final String SIGNATURE_ALGORITHMS = "civisSignatureAlgorithms";
    static final String USERINFO_ENCRYPTION_REQUIRED = "civisUserinfoEncryptionRequired";
    static final String DECRYPTION_KEY_IDS = "civisDecryptionKeyIds";
    static final String FC_PROMPT = "civisPrompt";

    /** Issuers of FranceConnect v2 (see docs/franceconnect-vs-inseefr.md for their source). */
    static final String INTEGRATION_ISSUER = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2";
    static final String PRODUCTION_ISSUER = "https://oidc.franceconnect.gouv.fr/api/v2";

    static final String DEFAULT_SCOPES = "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username";
    /** FranceConnect's levels are the realm's: {@code eidas1:1 eidas2:2 eidas3:3}. */
    static final String DEFAULT_LEVELS = Arrays.stream(Level.values()).map(level -> level.acr() + ":" + level.loa())
            .collect(Collectors.joining(" "));
    static final Set<JWSAlgorithm> ALLOWED_SIGNATURE_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    public FranceConnectIdentityProviderConfig(IdentityProviderModel model) {
        super(model);
    }

    public FranceConnectIdentityProviderConfig() {
    }

    /** integration, production or custom (any issuer, for simulators and ProConnect-style providers). */
    String getEnvironment() {
        return getConfig().getOrDefault(ENVIRONMENT, "custom");
    }

    String getPinnedIssuer() {
        return switch (getEnvironment()) {
            case "integration" -> INTEGRATION_ISSUER;
            case "production" -> PRODUCTION_ISSUER;
            case "custom" -> getConfig().get(PINNED_ISSUER);
            default -> throw new IllegalArgumentException("Unknown environment");
        };
    }

    AcrLevels getAcrLevels() {
        return AcrLevels.parse(getConfig().getOrDefault(ACR_LEVELS, DEFAULT_LEVELS));
    }

    String getMinimumLevel() {
        return getConfig().getOrDefault(MINIMUM_LEVEL, Level.EIDAS1.acr());
    }

    /** The allow-list, never wider than ES256 and RS256. */
    Set<JWSAlgorithm> getSignatureAlgorithms() {
        String value = getConfig().getOrDefault(SIGNATURE_ALGORITHMS, "ES256 RS256");
        return Arrays.stream(value.trim().split("[,\\s]+")).map(JWSAlgorithm::parse)
                .filter(ALLOWED_SIGNATURE_ALGORITHMS::contains).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    boolean isUserinfoEncryptionRequired() {
        return !"false".equals(getConfig().get(USERINFO_ENCRYPTION_REQUIRED));
    }

    /** Realm key ids allowed to decrypt for this provider; empty means every enabled encryption key of the realm. */
    Set<String> getDecryptionKeyIds() {
        String value = getConfig().get(DECRYPTION_KEY_IDS);
        return value == null || value.isBlank() ? Set.of() : Set.of(value.trim().split("[,\\s]+"));
    }

    String getFranceConnectPrompt() {
        return getConfig().getOrDefault(FC_PROMPT, "login");
    }

    Duration getClockSkew() {
        return Duration.ofSeconds(Math.max(0, Math.min(getAllowedClockSkew(), 120)));
    }

    @Override
    public void validate(RealmModel realm) {
        String issuer = getPinnedIssuer();
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("The pinned issuer is required");
        }
        checkUrl(realm.getSslRequired(), issuer, "issuer");
        AcrLevels levels = getAcrLevels();
        if (!levels.isKnown(getMinimumLevel())) {
            throw new IllegalArgumentException("The minimum level is not one of the acr levels");
        }
        if (getSignatureAlgorithms().isEmpty()) {
            throw new IllegalArgumentException("Accepted signature algorithms: ES256, RS256");
        }
        if (getClientId() == null || getClientId().isBlank()) {
            throw new IllegalArgumentException("The client id is required");
        }
    }
}
