package fr.civis.common.security;

import org.springframework.core.MethodParameter;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives controllers a {@link Citizen} or a {@link ServiceClient} instead of the raw token. It checks the kind again,
 * so that a parameter never holds a caller of the wrong kind, whatever the endpoint declared.
 */
public final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == Citizen.class || type == ServiceClient.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        return parameter.getParameterType() == Citizen.class ? citizen() : serviceClient();
    }

    /** The citizen calling; refused when the token is not a citizen's. */
    public static Citizen citizen() {
        Jwt token = Endpoints.currentToken();
        if (token == null || !CallerKind.CITIZEN.matches(token) || token.getSubject() == null
                || token.getSubject().isBlank()) {
            throw new CallerNotAllowedException();
        }
        return new Citizen(token.getSubject(), EidasLevel.of(token), token.getClaimAsString("azp"),
                token.getTokenValue());
    }

    /** The client calling with its own token; refused when the token is not a client-credentials one. */
    public static ServiceClient serviceClient() {
        Jwt token = Endpoints.currentToken();
        if (token == null || !CallerKind.SERVICE.matches(token)) {
            throw new CallerNotAllowedException();
        }
        return new ServiceClient(token.getClaimAsString("azp"));
    }
}
