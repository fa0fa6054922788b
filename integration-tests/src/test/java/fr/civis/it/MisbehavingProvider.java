package fr.civis.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small OpenID provider on loopback that Keycloak brokers to, and that misbehaves on demand: the refusal tests set
 * {@link Behaviour} before each login. No login page: its authorization endpoint answers at once, as if the person
 * had logged in. Signs with Nimbus (ES256 or RS256 keys it publishes, or a rogue key it does not) and encrypts
 * userinfo to the civis realm's published encryption keys.
 */
final class MisbehavingProvider implements AutoCloseable {

    enum Encryption { NONE, RSA_OAEP, RSA_OAEP_256, ECDH_ES }

    /** What the next login returns. The defaults are a well-behaved FranceConnect. */
    static final class Behaviour {
        String subject;
        String email;
        String acr = "eidas1";
        JWSAlgorithm alg = JWSAlgorithm.ES256;
        boolean rogueSigningKey;
        String replayedNonce;
        boolean wrongState;
        String callbackIss;
        String audience;
        long expiresInSeconds = 60;
        Encryption userinfoEncryption = Encryption.RSA_OAEP_256;
    }

    private final HttpServer server;
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final String realmJwksUri;
    private final ECKey ecKey = generateEc("fc-ec");
    private final RSAKey rsaKey = generateRsa("fc-rsa");
    private final ECKey rogueEc = generateEc("fc-ec");
    private final RSAKey rogueRsa = generateRsa("fc-rsa");
    private final Map<String, Map<String, String>> pendingCodes = new ConcurrentHashMap<>();
    private final Map<String, String> subjectOfAccessToken = new ConcurrentHashMap<>();
    private volatile Behaviour behaviour = new Behaviour();
    private volatile Map<String, String> lastAuthorizationRequest = Map.of();

    MisbehavingProvider(String clientId, String clientSecret, String realmJwksUri) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.realmJwksUri = realmJwksUri;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/jwks", exchange -> send(exchange, 200, "application/json",
                new JWKSet(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK())).toString()));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/userinfo", this::userinfo);
        server.start();
    }

    String issuer() {
        return issuer;
    }

    void behave(Behaviour next) {
        behaviour = next;
    }

    /** The query of the last authorization request Keycloak sent here. */
    Map<String, String> lastAuthorizationRequest() {
        return lastAuthorizationRequest;
    }

    private void discovery(HttpExchange exchange) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/authorize");
        doc.put("token_endpoint", issuer + "/token");
        doc.put("userinfo_endpoint", issuer + "/userinfo");
        doc.put("jwks_uri", issuer + "/jwks");
        doc.put("end_session_endpoint", issuer + "/logout");
        doc.put("authorization_response_iss_parameter_supported", true);
        doc.put("id_token_signing_alg_values_supported", List.of("ES256", "RS256"));
        send(exchange, 200, "application/json", KeycloakClient.JSON.writeValueAsString(doc));
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        lastAuthorizationRequest = query;
        Behaviour now = behaviour;
        String code = OAuthValues.random();
        pendingCodes.put(code, query);
        String state = now.wrongState ? OAuthValues.random() : query.get("state");
        String iss = now.callbackIss != null ? now.callbackIss : issuer;
        String location = query.get("redirect_uri") + "?code=" + code + "&state=" + encode(state) + "&iss=" + encode(iss);
        exchange.getResponseHeaders().add("Location", location);
        send(exchange, 302, "text/plain", "");
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> request = pendingCodes.remove(form.getOrDefault("code", ""));
        if (request == null || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        Behaviour now = behaviour;
        Instant issued = Instant.now();
        JWTClaimsSet idToken = new JWTClaimsSet.Builder().issuer(issuer)
                .audience(now.audience != null ? now.audience : clientId).subject(now.subject)
                .issueTime(Date.from(issued)).expirationTime(Date.from(issued.plusSeconds(now.expiresInSeconds)))
                .claim("nonce", now.replayedNonce != null ? now.replayedNonce : request.get("nonce"))
                .claim("acr", now.acr).claim("amr", List.of("pwd")).build();
        String accessToken = OAuthValues.random();
        subjectOfAccessToken.put(accessToken, now.subject);
        Map<String, Object> body = Map.of("access_token", accessToken, "token_type", "Bearer", "expires_in", 60,
                "id_token", sign(idToken, now));
        send(exchange, 200, "application/json", KeycloakClient.JSON.writeValueAsString(body));
    }

    private void userinfo(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String subject = authorization == null ? null : subjectOfAccessToken.get(authorization.replaceFirst("^Bearer ", ""));
        if (subject == null) {
            send(exchange, 401, "application/json", "{\"error\":\"invalid_token\"}");
            return;
        }
        Behaviour now = behaviour;
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(clientId).subject(subject)
                .claim("given_name", "Léa Marie").claim("family_name", "TESTEUR").claim("preferred_username", "")
                .claim("birthdate", "1979-11-30").claim("gender", "female").claim("birthplace", "33063")
                .claim("birthcountry", "99100").claim("email", now.email).build();
        String signed = sign(claims, now);
        send(exchange, 200, "application/jwt", now.userinfoEncryption == Encryption.NONE ? signed : encrypt(signed, now.userinfoEncryption));
    }

    private String sign(JWTClaimsSet claims, Behaviour now) {
        try {
            JWSSigner signer;
            String kid;
            if (JWSAlgorithm.Family.EC.contains(now.alg)) {
                signer = new ECDSASigner(now.rogueSigningKey ? rogueEc : ecKey);
                kid = "fc-ec";
            } else if (JWSAlgorithm.Family.HMAC_SHA.contains(now.alg)) {
                signer = new MACSigner(clientSecret.repeat(4).getBytes(StandardCharsets.UTF_8));
                kid = null;
            } else {
                signer = new RSASSASigner(now.rogueSigningKey ? rogueRsa : rsaKey);
                kid = "fc-rsa";
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(now.alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypted to the civis realm: its JWKS, read now, has the use=enc keys Keycloak publishes. */
    private String encrypt(String signed, Encryption encryption) {
        try {
            JWKSet realmKeys = JWKSet.load(URI.create(realmJwksUri).toURL());
            boolean ec = encryption == Encryption.ECDH_ES;
            JWK key = realmKeys.getKeys().stream()
                    .filter(k -> KeyUse.ENCRYPTION.equals(k.getKeyUse()) && (ec ? k instanceof ECKey : k instanceof RSAKey))
                    .findFirst().orElseThrow(() -> new IllegalStateException("The realm publishes no such encryption key"));
            JWEAlgorithm alg = switch (encryption) {
                case RSA_OAEP -> JWEAlgorithm.RSA_OAEP;
                case RSA_OAEP_256 -> JWEAlgorithm.RSA_OAEP_256;
                case ECDH_ES -> JWEAlgorithm.ECDH_ES;
                case NONE -> throw new IllegalArgumentException();
            };
            JWEEncrypter encrypter = ec ? new ECDHEncrypter(key.toECKey()) : new RSAEncrypter(key.toRSAKey());
            JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).keyID(key.getKeyID())
                    .contentType("JWT").build(), new Payload(signed));
            jwe.encrypt(encrypter);
            return jwe.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody(); InputStream ignored = exchange.getRequestBody()) {
            out.write(bytes);
        }
    }

    static Map<String, String> parse(String query) {
        Map<String, String> values = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            String[] parts = pair.split("=", 2);
            values.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }


    private static ECKey generateEc(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateRsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
