package fr.civis.common;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import fr.civis.common.me.MeController;
import fr.civis.common.problem.CutResponses;
import fr.civis.common.problem.ProblemExceptionHandler;
import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.common.security.ResourceServerSecurity;
import fr.civis.common.security.StepUpConfiguration;

/**
 * What every Civis service imports: token validation, step-up ({@code @RequiresLevel}), problem+json errors,
 * {@code GET /api/v1/me}, OpenAPI.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CivisSecurityProperties.class)
@Import({ResourceServerSecurity.class, StepUpConfiguration.class, ProblemExceptionHandler.class, MeController.class,
        CutResponses.class})
public class CivisServiceConfiguration {

    @Bean
    OpenAPI openApi(Environment environment) {
        String service = environment.getProperty("spring.application.name", "civis");
        return new OpenAPI()
                .info(new Info().title(service).version("v1")
                        .description("Erreurs au format RFC 9457 (application/problem+json), code stable dans « code »."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
    }
}
