package fr.civis.common.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
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
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        // Deny by default: a level is demanded, so anything but a bearer token proving it is refused.
        if (!(caller instanceof JwtAuthenticationToken token) || !EidasLevel.of(token.getToken()).satisfies(required)) {
            throw new InsufficientUserAuthenticationException(required);
        }
        return true;
    }

    /** The level on the method, else on its class; null when the endpoint demands none. */
    static EidasLevel requiredLevel(HandlerMethod method) {
        RequiresLevel level = method.getMethodAnnotation(RequiresLevel.class);
        if (level == null) {
            level = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RequiresLevel.class);
        }
        return level == null ? null : level.value();
    }
}
