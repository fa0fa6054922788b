package fr.civis.common.security;

import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Who may call what: {@link Caller} (the kind of caller, deny by default under {@code /api/}) then {@link RequiresLevel}
 * (step-up, RFC 9470), enforced on every endpoint before its controller runs and stated in the OpenAPI description.
 */
@Configuration(proxyBeanMethods = false)
public class StepUpConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // The kind first: a service's token on a citizen's act is refused (403), not asked to step up (401).
        registry.addInterceptor(new CallerInterceptor()).addPathPatterns("/api/**").order(0);
        registry.addInterceptor(new StepUpInterceptor()).order(1);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }

    /** States the kinds of caller an operation serves, as an {@code x-civis-caller} extension and a 403 answer. */
    @Bean
    OperationCustomizer callerDocumentation() {
        return (operation, handlerMethod) -> {
            CallerKind[] allowed = CallerInterceptor.allowedCallers(handlerMethod);
            if (allowed == null) {
                return operation;
            }
            List<String> kinds = Arrays.stream(allowed).map(kind -> kind.name().toLowerCase(Locale.ROOT)).toList();
            operation.addExtension("x-civis-caller", kinds);
            if (operation.getResponses() == null) {
                operation.setResponses(new ApiResponses());
            }
            operation.getResponses().addApiResponse("403", new ApiResponse()
                    .description("Jeton d'un autre genre d'appelant que " + String.join(", ", kinds)
                            + " (caller-not-allowed)"));
            return operation;
        };
    }

    /** Adds the level to the operation's description, as an {@code x-civis-acr} extension and as a 401 answer. */
    @Bean
    OperationCustomizer stepUpDocumentation() {
        return (operation, handlerMethod) -> {
            EidasLevel required = StepUpInterceptor.requiredLevel(handlerMethod);
            if (required == null) {
                return operation;
            }
            String note = "Demande une connexion de niveau " + required.acr() + " (`acr`). En dessous : 401, en-tête "
                    + "`WWW-Authenticate: Bearer error=\"insufficient_user_authentication\", acr_values=\""
                    + required.acr() + "\"` (RFC 9470) ; le client renvoie la personne vers Keycloak avec "
                    + "`acr_values=" + required.acr() + "` puis réessaie.";
            operation.setDescription(operation.getDescription() == null ? note : operation.getDescription() + "\n\n" + note);
            operation.addExtension("x-civis-acr", required.acr());
            if (operation.getResponses() == null) {
                operation.setResponses(new ApiResponses());
            }
            operation.getResponses().addApiResponse("401", new ApiResponse()
                    .description("Jeton absent ou invalide (token-invalid, authentication-required), ou connexion "
                            + "d'un niveau inférieur à " + required.acr() + " (insufficient-user-authentication)"));
            return operation;
        };
    }
}
