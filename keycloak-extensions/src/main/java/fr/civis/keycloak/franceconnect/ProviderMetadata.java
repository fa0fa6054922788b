package fr.civis.keycloak.franceconnect;

import com.fasterxml.jackson.databind.JsonNode;

/** The endpoints read from the provider's discovery document, accepted only when its issuer is the pinned one. */
record ProviderMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint, String userinfoEndpoint,
                        String jwksUri, String endSessionEndpoint, boolean issParameterSupported) {

    static ProviderMetadata from(JsonNode discovery, String pinnedIssuer) {
        String issuer = text(discovery, "issuer");
        if (issuer == null || !issuer.equals(pinnedIssuer)) {
            throw new IllegalStateException("The discovery document is not the pinned issuer's");
        }
        ProviderMetadata metadata = new ProviderMetadata(issuer, text(discovery, "authorization_endpoint"),
                text(discovery, "token_endpoint"), text(discovery, "userinfo_endpoint"), text(discovery, "jwks_uri"),
                text(discovery, "end_session_endpoint"),
                discovery.path("authorization_response_iss_parameter_supported").asBoolean(false));
        if (metadata.authorizationEndpoint() == null || metadata.tokenEndpoint() == null
                || metadata.userinfoEndpoint() == null || metadata.jwksUri() == null) {
            throw new IllegalStateException("The discovery document lacks a required endpoint");
        }
        return metadata;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }
}
