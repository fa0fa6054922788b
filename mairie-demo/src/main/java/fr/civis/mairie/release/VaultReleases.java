package fr.civis.mairie.release;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import fr.civis.mairie.MairieProperties;
import fr.civis.mairie.release.ReleaseApi.Problem;
import fr.civis.mairie.release.ReleaseApi.PushedRequest;
import fr.civis.mairie.release.ReleaseApi.Release;
import fr.civis.mairie.release.ReleaseApi.ReleaseRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vault's release endpoints, called with this app's own client-credentials token (registration
 * {@value #REGISTRATION}): never with a citizen's token. Keycloak's answer is cached by Spring Security until shortly
 * before it expires.
 */
@Component
public class VaultReleases {

    /** The client registration of the app's service calls (application.yml). */
    public static final String REGISTRATION = "civis-service";

    /** Larger than anything the vault stores (20 MB by default): a runaway body is cut off, not buffered. */
    static final long MAX_DOCUMENT_BYTES = 200L * 1024 * 1024;

    /** Opaque identifiers the vault hands out (UUIDs, base64url handles); anything else never reaches a URL. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final RestClient vault;
    private final OAuth2AuthorizedClientManager tokens;
    private final JsonMapper json;
    private final String principal;

    public VaultReleases(RestClient.Builder builder, OAuth2AuthorizedClientManager tokens, JsonMapper json,
            MairieProperties settings) {
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
        factory.setReadTimeout(Duration.ofSeconds(30));
        this.vault = builder.baseUrl(settings.vaultUrl().toString()).requestFactory(factory).build();
        this.tokens = tokens;
        this.json = json;
        this.principal = settings.clientId();
    }

    /** Pushes the request (RFC 9126 pattern) and returns the handle the browser will carry to the portal. */
    public PushedRequest push(ReleaseRequest request) {
        PushedRequest pushed = call(() -> vault.post().uri("/api/v1/release-requests")
                .headers(this::authorize)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .body(request)
                .retrieve()
                .onStatus(HttpStatusCode::isError, (req, response) -> { throw problem(response); })
                .body(PushedRequest.class));
        if (pushed == null || pushed.requestUri() == null || pushed.requestUri().isBlank()) {
            throw new VaultException(502, null, null);
        }
        return pushed;
    }

    /** What the consent lets this app fetch. */
    public Release release(String consentId) {
        requireIdentifier(consentId);
        Release release = call(() -> vault.get().uri("/api/v1/releases/{consentId}", consentId)
                .headers(this::authorize)
                .accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .onStatus(HttpStatusCode::isError, (req, response) -> { throw problem(response); })
                .body(Release.class));
        if (release == null) {
            throw new VaultException(502, null, null);
        }
        return release;
    }

    /** Fetches one document's bytes and hashes them; nothing is kept. */
    public FetchedContent content(String consentId, String documentId) {
        requireIdentifier(consentId);
        requireIdentifier(documentId);
        return call(() -> vault.get()
                .uri("/api/v1/releases/{consentId}/documents/{documentId}/content", consentId, documentId)
                .headers(this::authorize)
                .exchange((req, response) -> {
                    if (response.getStatusCode().isError()) {
                        throw problem(response);
                    }
                    return FetchedContent.read(response.getBody(), response.getHeaders().getFirst("Repr-Digest"),
                            MAX_DOCUMENT_BYTES);
                }));
    }

    private void authorize(HttpHeaders headers) {
        OAuth2AuthorizedClient client = tokens.authorize(OAuth2AuthorizeRequest
                .withClientRegistrationId(REGISTRATION).principal(principal).build());
        if (client == null) {
            throw new VaultException("no client-credentials token for " + principal, null);
        }
        headers.setBearerAuth(client.getAccessToken().getTokenValue());
    }

    private VaultException problem(ClientHttpResponse response) throws IOException {
        int status = response.getStatusCode().value();
        try {
            Problem problem = json.readValue(response.getBody().readNBytes(64 * 1024), Problem.class);
            return new VaultException(status, problem.code(), problem.detail());
        } catch (RuntimeException notAProblem) {
            return new VaultException(status, null, null);
        }
    }

    private static void requireIdentifier(String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new VaultException(400, "invalid-identifier", null);
        }
    }

    private static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (ResourceAccessException unreachable) {
            throw new VaultException("vault unreachable", unreachable);
        } catch (org.springframework.security.oauth2.client.ClientAuthorizationException noToken) {
            throw new VaultException("Keycloak refused the client-credentials token", noToken);
        }
    }
}
