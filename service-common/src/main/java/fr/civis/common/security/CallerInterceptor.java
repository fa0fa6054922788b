package fr.civis.common.security;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Enforces {@link Caller} on every endpoint under {@code /api/}, before the step-up check and before the controller
 * runs: a token of a kind the endpoint does not name, or any token on an endpoint that names none, is refused.
 */
final class CallerInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(CallerInterceptor.class);

    private final Set<String> undeclaredReported = ConcurrentHashMap.newKeySet();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        CallerKind[] allowed = allowedCallers(method);
        if (allowed == null) {
            if (undeclaredReported.add(method.toString())) {
                log.warn("Endpoint {} declares no @Caller: refused to everyone", method.getShortLogMessage());
            }
            throw new CallerNotAllowedException();
        }
        Jwt token = Endpoints.currentToken();
        if (token == null || Arrays.stream(allowed).noneMatch(kind -> kind.matches(token))) {
            throw new CallerNotAllowedException();
        }
        return true;
    }

    /** The kinds on the method, else on its class; null when the endpoint names none. */
    static CallerKind[] allowedCallers(HandlerMethod method) {
        Caller caller = Endpoints.declared(method, Caller.class);
        return caller == null ? null : caller.value();
    }
}
