package fr.civis.mairie.web;

import java.util.Map;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

import fr.civis.mairie.MairieProperties;
import fr.civis.mairie.release.VaultReleases;

/**
 * The citizen logs in through Keycloak (authorization code with PKCE, OpenID Connect: state, nonce, ID token checked
 * by Spring Security) and holds a session cookie here; every page but the home page needs that login. Forms carry a
 * CSRF token. No script at all, and a Content-Security-Policy that says so.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOGIN_REGISTRATION = "civis";

    /** Health on the management port (loopback), for the launcher and the supervision; nothing else there. */
    @Bean
    @Order(1)
    SecurityFilterChain managementEndpoints(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to("health")).permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http, ClientRegistrationRepository registrations, MairieProperties settings)
            throws Exception {
        var authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // A confidential client still sends PKCE (S256): a stolen code is useless without the verifier.
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        var logout = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        logout.setPostLogoutRedirectUri(settings.url() + "/");
        String keycloak = MairieProperties.origin(settings.issuer());
        String portal = MairieProperties.origin(settings.portalUrl());
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/", "/css/**", "/favicon.ico", "/error").permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(login -> login
                        .loginPage("/oauth2/authorization/" + LOGIN_REGISTRATION)
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(authorizationRequests))
                        .defaultSuccessUrl("/", false))
                .logout(out -> out.logoutSuccessHandler(logout))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(String.join("; ",
                                "default-src 'none'", "style-src 'self'", "img-src 'self'",
                                // A form's redirect must be allowed too: the request goes on to the portal, the
                                // logout to Keycloak.
                                "form-action 'self' " + portal + " " + keycloak,
                                "frame-ancestors 'none'", "base-uri 'none'")))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.deny()))
                .build();
    }

    /**
     * Two registrations of the same Keycloak client: {@value #LOGIN_REGISTRATION} for the citizen's login,
     * {@value VaultReleases#REGISTRATION} for the app's own calls to the vault. Keycloak's endpoints are its
     * well-known paths under the issuer; the issuer is still checked exactly on every ID token.
     */
    @Bean
    ClientRegistrationRepository clientRegistrations(MairieProperties settings) {
        String issuer = MairieProperties.trimmed(settings.issuer());
        String endpoints = issuer + "/protocol/openid-connect";
        ClientRegistration login = ClientRegistration.withRegistrationId(LOGIN_REGISTRATION)
                .clientName("Civis")
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(MairieProperties.trimmed(settings.url()) + "/login/oauth2/code/" + LOGIN_REGISTRATION)
                .scope("openid")
                .issuerUri(issuer)
                .authorizationUri(endpoints + "/auth")
                .tokenUri(endpoints + "/token")
                .jwkSetUri(endpoints + "/certs")
                .userInfoUri(endpoints + "/userinfo")
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(Map.of("end_session_endpoint", endpoints + "/logout"))
                .build();
        ClientRegistration service = ClientRegistration.withRegistrationId(VaultReleases.REGISTRATION)
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .issuerUri(issuer)
                .tokenUri(endpoints + "/token")
                .build();
        return new InMemoryClientRegistrationRepository(login, service);
    }

    @Bean
    OAuth2AuthorizedClientService authorizedClients(ClientRegistrationRepository registrations) {
        return new InMemoryOAuth2AuthorizedClientService(registrations);
    }

    /** Client-credentials tokens of the app itself, cached until shortly before they expire. */
    @Bean
    OAuth2AuthorizedClientManager serviceTokens(ClientRegistrationRepository registrations,
            OAuth2AuthorizedClientService authorizedClients) {
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, authorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        return manager;
    }
}
