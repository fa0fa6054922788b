package fr.civis.common.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Enforces {@link RequiresLevel} before the controller runs, so that nothing of the act happens for a token below
 * the level. Runs after the security filters: the caller is already known to hold a valid token of the realm.
 */
final class StepUpInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        EidasLevel required = requiredLevel(method);
        if (required == null) {
            return true;
        }
        Jwt token = Endpoints.currentToken();
        // Deny by default: a level is demanded, so anything but a bearer token proving it is refused.
        if (token == null || !EidasLevel.of(token).satisfies(required)) {
            throw new InsufficientUserAuthenticationException(required);
        }
        return true;
    }

    /** The level on the method, else on its class; null when the endpoint demands none. */
    static EidasLevel requiredLevel(HandlerMethod method) {
        RequiresLevel level = Endpoints.declared(method, RequiresLevel.class);
        return level == null ? null : level.value();
    }
}
