package fr.civis.keycloak.franceconnect;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.AuthenticationRequest;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.broker.provider.IdentityBrokerException;
import org.keycloak.common.util.Base64Url;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.simple.SimpleHttp;
import org.keycloak.http.simple.SimpleHttpResponse;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.resources.IdentityBrokerService;
import org.keycloak.services.resources.RealmsResource;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

import fr.civis.keycloak.franceconnect.FederationTokenValidator.Expectations;
import fr.civis.keycloak.franceconnect.FederationTokenValidator.IdToken;

/**
 * Keycloak's OIDC broker, tightened to FranceConnect's profile: endpoints from a discovery document with a pinned
 * issuer, 32-byte nonce, {@code acr_values} and {@code amr} requested, RFC 9207 {@code iss} checked on the callback,
 * ID token and userinfo JWT verified with Nimbus against an algorithm allow-list, userinfo decrypted with the realm's
 * encryption keys, the returned level enforced and turned into the session's level of assurance, the pivot identity
 * stored as certified attributes, and RP-initiated logout with a fresh random state.
 */
public class FranceConnectIdentityProvider extends OIDCIdentityProvider {

    private static final Logger LOG = Logger.getLogger(FranceConnectIdentityProvider.class);

    static final String MSG_REFUSED = "civisFederationRefused";
    static final String MSG_UNAVAILABLE = "civisFederationUnavailable";

    private static final String NONCE_NOTE = "civis.federation.nonce";
    private static final String LEVEL_NOTE = "civis.federation.level";
    private static final String CONTEXT_ACR = "civis.federation.acr";
    private static final String CONTEXT_ID_TOKEN = "civis.federation.idToken";
    private static final String CONTEXT_ATTRIBUTE = "civis.federation.attribute.";
    private static final String LOGOUT_STATE = "civis.federation.logout.";
    private static final String LOGOUT_SESSION = "userSession";
    private static final int LOGOUT_STATE_LIFESPAN_SECONDS = 600;
    private static final Set<String> REPLACED_PARAMETERS = Set.of(OIDCLoginProtocol.NONCE_PARAM, OAuth2Constants.ACR_VALUES,
            OIDCLoginProtocol.CLAIMS_PARAM, OAuth2Constants.PROMPT);
    /** FranceConnect returns amr only when asked through the claims parameter. */
    private static final String CLAIMS_REQUEST = "{\"id_token\":{\"amr\":{\"essential\":true},\"acr\":{\"essential\":true}}}";

    private final FranceConnectIdentityProviderConfig config;
    private final FederationTokenValidator validator = new FederationTokenValidator();
    private ProviderMetadata metadata;

    public FranceConnectIdentityProvider(KeycloakSession session, FranceConnectIdentityProviderConfig config) {
        super(session, config);
        this.config = config;
    }

    @Override
    protected String getDefaultScopes() {
        return FranceConnectIdentityProviderConfig.DEFAULT_SCOPES;
    }

    /** Reads the discovery document once per request; refuses it unless its issuer is the pinned one. */
    ProviderMetadata metadata() {
        if (metadata == null) {
            String issuer = config.getPinnedIssuer();
            try {
                JsonNode discovery = SimpleHttp.create(session).doGet(issuer + "/.well-known/openid-configuration").asJson();
                metadata = ProviderMetadata.from(discovery, issuer);
            } catch (IOException | IllegalStateException e) {
                throw new IdentityBrokerException("Discovery document of the provider unusable").withMessageCode(MSG_UNAVAILABLE);
            }
            config.setAuthorizationUrl(metadata.authorizationEndpoint());
            config.setTokenUrl(metadata.tokenEndpoint());
            config.setUserInfoUrl(metadata.userinfoEndpoint());
            config.setIssuer(metadata.issuer());
        }
        return metadata;
    }

    @Override
    protected UriBuilder createAuthorizationUrl(AuthenticationRequest request) {
        metadata();
        URI base = super.createAuthorizationUrl(request).build();
        AuthenticationSessionModel authSession = request.getAuthenticationSession();
        String nonce = Base64Url.encode(SecretGenerator.getInstance().randomBytes(32));
        authSession.setClientNote(NONCE_NOTE, nonce);
        String level = requestedLevel(authSession);
        authSession.setClientNote(LEVEL_NOTE, level);

        // Rebuilt by hand: UriBuilder would read the braces of the claims JSON as URI template variables.
        StringBuilder query = new StringBuilder();
        for (String pair : base.getRawQuery().split("&")) {
            if (!REPLACED_PARAMETERS.contains(pair.split("=", 2)[0])) {
                query.append(pair).append('&');
            }
        }
        query.append(parameter(OIDCLoginProtocol.NONCE_PARAM, nonce)).append('&')
                .append(parameter(OAuth2Constants.ACR_VALUES, level)).append('&')
                .append(parameter(OIDCLoginProtocol.CLAIMS_PARAM, CLAIMS_REQUEST)).append('&')
                .append(parameter(OAuth2Constants.PROMPT, config.getFranceConnectPrompt()));
        return UriBuilder.fromUri(base).replaceQuery(query.toString());
    }

    private static String parameter(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The configured minimum, raised to what the client asked of the realm for this login (step-up). */
    private String requestedLevel(AuthenticationSessionModel authSession) {
        AcrLevels levels = config.getAcrLevels();
        String minimum = config.getMinimumLevel();
        String asked = authSession.getClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION);
        if (asked == null) {
            return minimum;
        }
        return levels.weakestReaching(Integer.parseInt(asked)).map(level -> levels.stronger(level, minimum)).orElse(minimum);
    }

    @Override
    public Object callback(RealmModel realm, AuthenticationCallback callback, EventBuilder event) {
        return new FranceConnectEndpoint(callback, realm, event, this);
    }

    /** RFC 9207: the callback's iss must be the pinned issuer; mandatory when the provider says it sends it. */
    boolean callbackIssuerAccepted(String iss) {
        ProviderMetadata provider = metadata();
        if (iss == null) {
            return !provider.issParameterSupported();
        }
        return FederationTokenValidator.constantTimeEquals(iss, provider.issuer());
    }

    @Override
    public BrokeredIdentityContext getFederatedIdentity(String response) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        String nonce = authSession == null ? null : authSession.getClientNote(NONCE_NOTE);
        String level = authSession == null ? null : authSession.getClientNote(LEVEL_NOTE);
        if (authSession != null) {
            // Single use: a replayed callback for this login finds no nonce and is refused.
            authSession.removeClientNote(NONCE_NOTE);
        }
        try {
            AccessTokenResponse tokens = JsonSerialization.readValue(response, AccessTokenResponse.class);
            if (tokens.getToken() == null || tokens.getIdToken() == null) {
                throw new FederationRefusal(FederationRefusal.Reason.MALFORMED, "token response without access or ID token");
            }
            Expectations expected = expectations(nonce, level == null ? config.getMinimumLevel() : level);
            IdToken idToken = validator.validateIdToken(tokens.getIdToken(), expected);
            JWTClaimsSet userinfo = validator.validateUserinfo(fetchUserinfo(tokens.getToken()), idToken.subject(), expected);
            return identity(idToken, userinfo, tokens.getIdToken());
        } catch (FederationRefusal refusal) {
            // The rule only: never a token, a claim or a name.
            LOG.infof("Login through identity provider %s refused: %s", getConfig().getAlias(), refusal.getMessage());
            throw new IdentityBrokerException(refusal.getMessage()).withMessageCode(refusal.messageKey());
        } catch (IOException e) {
            throw new IdentityBrokerException("Provider answer unreadable").withMessageCode(MSG_UNAVAILABLE);
        }
    }

    private Expectations expectations(String nonce, String level) throws IOException {
        JWKSet providerKeys;
        try {
            providerKeys = JWKSet.parse(SimpleHttp.create(session).doGet(metadata().jwksUri()).asString()).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IOException("JWKS unreadable");
        }
        Set<String> allowed = config.getDecryptionKeyIds();
        RealmModel realm = session.getContext().getRealm();
        List<JWK> decryptionKeys = session.keys().getKeysStream(realm)
                .filter(key -> KeyUse.ENC.equals(key.getUse()) && key.getStatus().isEnabled() && key.getPrivateKey() != null)
                .filter(key -> allowed.isEmpty() || allowed.contains(key.getKid()))
                .map(FranceConnectIdentityProvider::toJwk).filter(Objects::nonNull).toList();
        return new Expectations(metadata().issuer(), config.getClientId(), nonce, config.getSignatureAlgorithms(),
                config.isUserinfoEncryptionRequired(), config.getAcrLevels(), level, config.getClockSkew(),
                providerKeys, decryptionKeys, Instant.now());
    }

    private static JWK toJwk(KeyWrapper key) {
        if (key.getPublicKey() instanceof RSAPublicKey pub && key.getPrivateKey() instanceof RSAPrivateKey priv) {
            return new RSAKey.Builder(pub).privateKey(priv).keyID(key.getKid()).build();
        }
        if (key.getPublicKey() instanceof ECPublicKey pub && key.getPrivateKey() instanceof ECPrivateKey priv) {
            Curve curve = Curve.forECParameterSpec(pub.getParams());
            return curve == null ? null : new ECKey.Builder(curve, pub).privateKey(priv).keyID(key.getKid()).build();
        }
        return null;
    }

    /** FranceConnect answers userinfo as a JWT; a plain JSON answer is unsigned, so it is refused. */
    private String fetchUserinfo(String accessToken) throws IOException, FederationRefusal {
        try (SimpleHttpResponse answer = SimpleHttp.create(session).doGet(metadata().userinfoEndpoint())
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/jwt").asResponse()) {
            String type = answer.getFirstHeader("Content-Type");
            if (answer.getStatus() != 200 || type == null || !MediaType.valueOf(type).isCompatible(MediaType.valueOf("application/jwt"))) {
                throw new FederationRefusal(FederationRefusal.Reason.MALFORMED, "userinfo is not a JWT");
            }
            return answer.asString().trim();
        }
    }

    private BrokeredIdentityContext identity(IdToken idToken, JWTClaimsSet userinfo, String encodedIdToken) throws FederationRefusal {
        Map<String, String> pivot = PivotIdentity.attributes(userinfo);
        String email;
        try {
            email = userinfo.getStringClaim("email");
        } catch (ParseException e) {
            throw new FederationRefusal(FederationRefusal.Reason.MALFORMED, "email of the wrong type");
        }
        String subject = idToken.subject();
        BrokeredIdentityContext identity = new BrokeredIdentityContext(subject, getConfig());
        identity.setBrokerUserId(getConfig().getAlias() + "." + subject);
        // The provider's subject is pairwise and opaque: events and links carry it, never a name or an e-mail.
        identity.setUsername(subject);
        if (email != null && !email.isBlank()) {
            identity.setModelUsername(email);
            identity.setEmail(email);
        }
        identity.setFirstName(pivot.get(PivotIdentity.GIVEN_NAMES));
        String usedName = pivot.get(PivotIdentity.PREFERRED_NAME);
        identity.setLastName(usedName != null && !usedName.isEmpty() ? usedName : pivot.get(PivotIdentity.FAMILY_NAME));

        Map<String, Object> data = identity.getContextData();
        data.put(CONTEXT_ACR, idToken.acr());
        data.put(CONTEXT_ID_TOKEN, encodedIdToken);
        pivot.forEach((name, value) -> data.put(CONTEXT_ATTRIBUTE + name, value));
        data.put(CONTEXT_ATTRIBUTE + PivotIdentity.CERTIFIED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        data.put(CONTEXT_ATTRIBUTE + PivotIdentity.CERTIFIED_BY, getConfig().getAlias());
        return identity;
    }

    /** The certified attributes this provider put in a brokered identity, by attribute name. */
    static Map<String, String> certifiedAttributes(BrokeredIdentityContext context) {
        Map<String, String> attributes = new java.util.HashMap<>();
        context.getContextData().forEach((key, value) -> {
            if (key.startsWith(CONTEXT_ATTRIBUTE) && value instanceof String text) {
                attributes.put(key.substring(CONTEXT_ATTRIBUTE.length()), text);
            }
        });
        return attributes;
    }

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, BrokeredIdentityContext context) {
        // The nonce was checked, in constant time, while validating the ID token: nothing left to do here.
    }

    @Override
    public void importNewUser(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext context) {
        super.importNewUser(session, realm, user, context);
        certify(user, context);
    }

    @Override
    public void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext context) {
        super.updateBrokeredUser(session, realm, user, context);
        certify(user, context);
    }

    /**
     * Written on the user model directly: these attributes are read-only in the user profile (admin edit only), and
     * the provider is the one source allowed to set them. Every login refreshes them; an empty claim (birthplace of
     * a person born abroad) removes the attribute.
     */
    private void certify(UserModel user, BrokeredIdentityContext context) {
        Map<String, Object> data = context.getContextData();
        if (!data.containsKey(CONTEXT_ATTRIBUTE + PivotIdentity.CERTIFIED_BY)) {
            return;
        }
        for (String attribute : List.of(PivotIdentity.GIVEN_NAMES, PivotIdentity.FAMILY_NAME, PivotIdentity.PREFERRED_NAME,
                PivotIdentity.BIRTHDATE, PivotIdentity.GENDER, PivotIdentity.BIRTHPLACE, PivotIdentity.BIRTHCOUNTRY,
                PivotIdentity.CERTIFIED_AT, PivotIdentity.CERTIFIED_BY)) {
            Object value = data.get(CONTEXT_ATTRIBUTE + attribute);
            if (value instanceof String text && !text.isEmpty()) {
                user.setSingleAttribute(attribute, text);
            } else {
                user.removeAttribute(attribute);
            }
        }
    }

    /**
     * Keeps the ID token for RP-initiated logout, and makes the returned level the session's level of assurance the
     * way Keycloak's step-up reads it: the current level for this login and the levels map for later SSO logins.
     */
    @Override
    public void authenticationFinished(AuthenticationSessionModel authSession, BrokeredIdentityContext context) {
        if (context.getContextData().get(CONTEXT_ID_TOKEN) instanceof String idToken) {
            authSession.setUserSessionNote(FEDERATED_ID_TOKEN, idToken);
        }
        if (context.getContextData().get(CONTEXT_ACR) instanceof String acr) {
            int loa = config.getAcrLevels().loaOf(acr);
            AcrStore acrStore = new AcrStore(session, authSession);
            for (int level = Constants.MINIMUM_LOA + 1; level <= loa; level++) {
                acrStore.setLevelAuthenticated(level);
            }
            authSession.setUserSessionNote(Constants.LOA_MAP, authSession.getAuthNote(Constants.LOA_MAP));
        }
    }

    /**
     * RP-initiated logout: id_token_hint, post_logout_redirect_uri to our broker endpoint, and a fresh random state
     * (never the Keycloak session id) remembered once, for a short time, to find the session on the way back.
     */
    @Override
    public Response keycloakInitiatedBrowserLogout(KeycloakSession session, UserSessionModel userSession, UriInfo uriInfo, RealmModel realm) {
        String idToken = userSession.getNote(FEDERATED_ID_TOKEN);
        if (idToken == null) {
            return null;
        }
        ProviderMetadata provider;
        try {
            provider = metadata();
        } catch (IdentityBrokerException e) {
            LOG.warnf("Identity provider %s unreachable: its session is not ended", getConfig().getAlias());
            return null;
        }
        if (provider.endSessionEndpoint() == null) {
            return null;
        }
        String state = Base64Url.encode(SecretGenerator.getInstance().randomBytes(32));
        session.singleUseObjects().put(LOGOUT_STATE + state, LOGOUT_STATE_LIFESPAN_SECONDS, Map.of(LOGOUT_SESSION, userSession.getId()));
        String redirect = RealmsResource.brokerUrl(uriInfo).path(IdentityBrokerService.class, "getEndpoint")
                .path(OIDCEndpoint.class, "logoutResponse").build(realm.getName(), getConfig().getAlias()).toString();
        URI logout = UriBuilder.fromUri(provider.endSessionEndpoint())
                .queryParam("id_token_hint", idToken)
                .queryParam("state", state)
                .queryParam("post_logout_redirect_uri", redirect)
                .build();
        return Response.status(Response.Status.FOUND).location(logout).build();
    }

    @Override
    public void backchannelLogout(KeycloakSession session, UserSessionModel userSession, UriInfo uriInfo, RealmModel realm) {
        // FranceConnect ends its session only through the browser (RP-initiated logout above).
    }

    /** The Keycloak session a logout state stands for; the state works once. */
    String consumeLogoutState(String state) {
        Map<String, String> entry = session.singleUseObjects().remove(LOGOUT_STATE + state);
        return entry == null ? null : entry.get(LOGOUT_SESSION);
    }

    @Override
    protected boolean supportsExternalExchange() {
        // Token exchange would bypass every check above.
        return false;
    }

    /** The broker endpoint: checks the callback's iss (RFC 9207) first, and maps the logout state back. */
    protected static final class FranceConnectEndpoint extends OIDCEndpoint {

        private final FranceConnectIdentityProvider provider;

        FranceConnectEndpoint(AuthenticationCallback callback, RealmModel realm, EventBuilder event, FranceConnectIdentityProvider provider) {
            super(callback, realm, event, provider);
            this.provider = provider;
        }

        @Override
        public Response authResponse(String state, String authorizationCode, String error, String errorDescription) {
            String iss = session.getContext().getUri().getQueryParameters().getFirst(OAuth2Constants.ISSUER);
            boolean accepted;
            try {
                accepted = provider.callbackIssuerAccepted(iss);
            } catch (IdentityBrokerException e) {
                return ErrorPage.error(session, null, Response.Status.BAD_GATEWAY, MSG_UNAVAILABLE);
            }
            if (!accepted) {
                event.event(EventType.IDENTITY_PROVIDER_LOGIN).detail(Details.REASON, "callback iss is not the pinned issuer")
                        .error(Errors.IDENTITY_PROVIDER_LOGIN_FAILURE);
                return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, MSG_REFUSED);
            }
            return super.authResponse(state, authorizationCode, error, errorDescription);
        }

        @Override
        public Response logoutResponse(String state) {
            return super.logoutResponse(state == null ? null : provider.consumeLogoutState(state));
        }
    }
}
