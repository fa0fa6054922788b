package fr.civis.vault.citizen;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import fr.civis.common.security.CivisSecurityProperties;
import fr.civis.vault.security.ServiceAccount;
import tools.jackson.databind.JsonNode;

/**
 * Where to write to a citizen: their e-mail address and language, read from Keycloak when needed (the vault keeps
 * no contact data of its own) with the vault's service account, which may only view users.
 */
@Component
public class CitizenDirectory {

    public record Contact(String email, Locale locale) {
    }

    private final RestClient http;
    private final ServiceAccount account;
    private final URI issuer;

    CitizenDirectory(RestClient.Builder http, ServiceAccount account, CivisSecurityProperties security) {
        this.http = http.build();
        this.account = account;
        this.issuer = security.issuer();
    }

    public Optional<Contact> contactOf(Owner owner) {
        String admin = issuer.toString().replace("/realms/", "/admin/realms/");
        try {
            JsonNode user = http.get().uri(admin + "/users/{id}", owner.subject())
                    .header("Authorization", "Bearer " + account.accessToken())
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
