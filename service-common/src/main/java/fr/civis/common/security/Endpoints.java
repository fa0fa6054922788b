package fr.civis.common.security;

import java.lang.annotation.Annotation;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.method.HandlerMethod;

/** What the interceptors read of an endpoint and of its caller, read one way. */
final class Endpoints {

    private Endpoints() {
    }

    /** The bearer token of the request being served; null when the caller holds none. */
    static Jwt currentToken() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller instanceof JwtAuthenticationToken token ? token.getToken() : null;
    }

    /** The annotation on the method, else on its class (a method overrides its class); null when neither has it. */
    static <A extends Annotation> A declared(HandlerMethod method, Class<A> type) {
        A onMethod = method.getMethodAnnotation(type);
        return onMethod != null ? onMethod : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), type);
    }
}
