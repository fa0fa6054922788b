package fr.civis.common.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/**
 * The token is valid but its login was not strong enough for this act: the RFC 9470 challenge tells the client which
 * level to ask Keycloak for ({@code acr_values}), the problem body tells the person in words.
 */
public class InsufficientUserAuthenticationException extends ProblemException {

    public static final String CODE = "insufficient-user-authentication";

    private final EidasLevel required;

    public InsufficientUserAuthenticationException(EidasLevel required) {
        super(HttpStatus.UNAUTHORIZED, CODE);
        this.required = required;
    }

    public EidasLevel required() {
        return required;
    }

    /**
     * RFC 6750 §3 allows only printable ASCII without {@code "} or {@code \} in {@code error_description}: a fixed
     * English text for developers, while the person reads the localized problem body.
     */
    @Override
    public HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"A stronger authentication is required for this action\", "
                + "acr_values=\"" + required.acr() + "\"");
        return headers;
    }
}
