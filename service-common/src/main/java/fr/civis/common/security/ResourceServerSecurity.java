package fr.civis.common.security;

import java.net.MalformedURLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import fr.civis.common.problem.ProblemFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deny by default. A request passes only when it carries an access token of the {@code civis} realm, issued for this
 * service, signed with a key the realm publishes, unexpired; or when it asks for a path declared public.
 */
@Configuration(proxyBeanMethods = false)
public class ResourceServerSecurity {

    /** Keycloak's default access-token type; an ID token or a refresh token is not accepted as a bearer token. */
    private static final String ACCESS_TOKEN_TYPE = "Bearer";

    /** A loaded machine may take seconds to answer; the realm's key set is a few kilobytes. */
    private static final int KEYS_TIMEOUT_MS = 5_000;
    private static final int KEYS_MAX_BYTES = 256 * 1024;

    /**
     * How long the realm's keys last fetched keep verifying tokens while Keycloak cannot be reached. Longer than the
     * access tokens' lifespan (300 s in civis-realm.json) plus the keys' cache time (5 min by default): a token issued before an
     * outage is accepted until it expires. Spring's own key source has no such tolerance and refuses every token once
     * its five-minute cache runs out with Keycloak down.
     */
    static final Duration KEYS_OUTAGE_TOLERANCE = Duration.ofMinutes(15);

    /** Verified tokens remembered at most: a few MB, the tokens of the citizens active in the last five minutes. */
    private static final int REMEMBERED_TOKENS = 2_000;

    @Bean
    JwtDecoder jwtDecoder(CivisSecurityProperties settings) throws MalformedURLException {
        // Nimbus's defaults otherwise (keys fetched again at once for an unknown key id); its rate limit is off, as
        // in Spring's, so that a key rotated in is found at the first token that names it.
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(settings.effectiveJwkSetUri().toURL(),
                        new DefaultResourceRetriever(KEYS_TIMEOUT_MS, KEYS_TIMEOUT_MS, KEYS_MAX_BYTES))
                .cache(settings.keysCacheTime().toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .rateLimited(false)
                .outageTolerant(KEYS_OUTAGE_TOLERANCE.toMillis())
                .build();
        JWSVerificationKeySelector<SecurityContext> selector = new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256), keys);
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(settings.effectiveJwkSetUri().toString())
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(selector))
                .build();
        OAuth2TokenValidator<Jwt> validator = accessTokenValidator(settings);
        decoder.setJwtValidator(validator);
        return new VerifiedTokens(decoder, validator, REMEMBERED_TOKENS);
    }

    /**
     * No observation of each security filter, authentication and authorization: they allocated their contexts and
     * tags on every request (docs/benchmarks.md §12) for traces nobody reads here. Requests are still observed as a
     * whole ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Checks on a token whose signature already verified: expiry present and not past, issuer, audience, type. */
    static OAuth2TokenValidator<Jwt> accessTokenValidator(CivisSecurityProperties settings) {
        return new DelegatingOAuth2TokenValidator<>(
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtTimestampValidator(settings.clockSkew()),
                new JwtIssuerValidator(settings.issuer().toString()),
                new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                        audience -> audience != null && audience.contains(settings.audience())),
                new JwtClaimValidator<String>("typ", ACCESS_TOKEN_TYPE::equals));
    }

    @Bean
    ProblemFactory problemFactory() {
        return new ProblemFactory();
    }

    /** Health and metrics live on the management port, which binds to loopback unless an operator decides otherwise. */
    @Bean
    @Order(1)
    SecurityFilterChain managementEndpoints(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to("health", "prometheus", "info")).permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain application(HttpSecurity http, CivisSecurityProperties settings, ProblemFactory problems,
            JsonMapper json) throws Exception {
        var problemHandlers = new ProblemAuthenticationHandlers(problems, json);
        var roles = new JwtAuthenticationConverter();
        roles.setJwtGrantedAuthoritiesConverter(jwt -> CivisRole.of(jwt).stream()
                .<GrantedAuthority>map(role -> new SimpleGrantedAuthority(role.authority()))
                .toList());
        roles.setPrincipalClaimName(JwtClaimNames.SUB);
        String origin = settings.issuerOrigin();
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/**").authenticated()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/error").permitAll()
                        .requestMatchers(settings.publicPaths().toArray(String[]::new)).permitAll()
                        .anyRequest().denyAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(roles))
                        .authenticationEntryPoint(problemHandlers)
                        .accessDeniedHandler(problemHandlers))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(problemHandlers)
                        .accessDeniedHandler(problemHandlers))
                // Bearer tokens in headers, no cookies: nothing for a cross-site request to ride on.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // img-src blob: the portal's preview of a document, fetched with the token by the page's own script
                // and drawn by an <img> (docs/adr/0022-expiry-reminders.md).
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(String.join("; ",
                                "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
                                "connect-src 'self' " + origin, "form-action 'self' " + origin,
                                "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'")))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.deny()))
                .requestCache(cache -> cache.disable())
                .anonymous(Customizer.withDefaults())
                .build();
    }
}
