package fr.civis.vault.citizen;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import fr.civis.common.security.CivisSecurityProperties;
import tools.jackson.databind.JsonNode;

/**
 * Where to write to a citizen: their e-mail address and language, read from Keycloak when needed (the vault keeps
 * no contact data of its own) with the vault's service account, which may only view users.
 */
@Component
public class CitizenDirectory {

    @ConfigurationProperties("civis.directory")
    public record Settings(@DefaultValue("civis-vault") @NotBlank String clientId, String clientSecret) {
    }

    public record Contact(String email, Locale locale) {
    }

    private final RestClient http;
    private final Settings settings;
    private final URI issuer;

    CitizenDirectory(RestClient.Builder http, Settings settings, CivisSecurityProperties security) {
        this.http = http.build();
        this.settings = settings;
        this.issuer = security.issuer();
    }

    public Optional<Contact> contactOf(Owner owner) {
        if (settings.clientSecret() == null || settings.clientSecret().isBlank()) {
            throw new IllegalStateException("civis.directory.client-secret is not set: notices cannot be addressed");
        }
        var form = new LinkedMultiValueMap<String, String>();
        form.add("grant_type", "client_credentials");
        form.add("client_id", settings.clientId());
        form.add("client_secret", settings.clientSecret());
        JsonNode token = http.post().uri(issuer + "/protocol/openid-connect/token")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                .retrieve().body(JsonNode.class);
        String admin = issuer.toString().replace("/realms/", "/admin/realms/");
        try {
            JsonNode user = http.get().uri(admin + "/users/{id}", owner.subject())
                    .header("Authorization", "Bearer " + token.get("access_token").asString())
                    .retrieve().body(JsonNode.class);
            if (user == null || !user.hasNonNull("email")) {
                return Optional.empty();
            }
            String language = Optional.ofNullable(user.get("attributes")).map(attributes -> attributes.get("locale"))
                    .filter(JsonNode::isArray).filter(values -> !values.isEmpty())
                    .map(values -> values.get(0).asString()).orElse("fr");
            return Optional.of(new Contact(user.get("email").asString(),
                    "en".equals(language) ? Locale.ENGLISH : Locale.FRENCH));
        } catch (HttpClientErrorException.NotFound gone) {
            return Optional.empty();
        }
    }
}
