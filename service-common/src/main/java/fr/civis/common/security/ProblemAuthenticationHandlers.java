package fr.civis.common.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import fr.civis.common.problem.ProblemFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 answers of the resource server: Spring's bearer-token handlers set the RFC 6750
 * {@code WWW-Authenticate} header, and we add a problem+json body a person can read.
 */
final class ProblemAuthenticationHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerAccessDenied = new BearerTokenAccessDeniedHandler();
    private final ProblemFactory problems;
    private final JsonMapper json;

    ProblemAuthenticationHandlers(ProblemFactory problems, JsonMapper json) {
        this.problems = problems;
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        bearerEntryPoint.commence(request, response, failure);
        String code = failure instanceof InvalidBearerTokenException ? "token-invalid" : "authentication-required";
        write(response, problems.create(HttpStatus.UNAUTHORIZED, code, ProblemFactory.localeOf(request)));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        bearerAccessDenied.handle(request, response, denied);
        write(response, problems.create(HttpStatus.FORBIDDEN, "access-denied", ProblemFactory.localeOf(request)));
    }

    private void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), ProblemFactory.members(problem));
    }
}
