package fr.civis.common.security;

import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Step-up (RFC 9470): {@link RequiresLevel} enforced on every endpoint and stated in the OpenAPI description. */
@Configuration(proxyBeanMethods = false)
public class StepUpConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new StepUpInterceptor());
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
