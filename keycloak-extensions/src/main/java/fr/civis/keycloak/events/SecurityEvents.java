package fr.civis.keycloak.events;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;

/**
 * Which Keycloak events become journal entries, under which kind, and what of them may leave Keycloak.
 *
 * <p>Details pass through an allow-list: a key not named here never leaves, whatever a future Keycloak or one of our
 * authenticators puts in an event. Kept out on purpose: the user name typed at a failed login (people type their
 * password there), e-mail addresses and names (personal data the journal does not need), token, session, code and
 * credential ids, redirect URIs (they may carry a state or a code), and an admin event's representation (a
 * credential reset carries the new password). Values are cut to {@value #MAX_VALUE} characters.
 */
public final class SecurityEvents {

    /** How much of the caller's IP address is kept (docs/adr/0019-security-events-outbox.md). */
    public enum IpAddresses {
        /** None. */
        NONE,
        /** The network only: IPv4 /24, IPv6 /48. The default: enough to see a spike coming from one network. */
        NETWORK,
        /** The whole address. */
        FULL
    }

    public static final String SUCCESS = "success";
    static final int MAX_VALUE = 120;

    /** Details an event may carry out of Keycloak (the keys of {@link Details}). */
    static final Set<String> ALLOWED_DETAILS = Set.of(Details.AUTH_METHOD, Details.AUTH_TYPE, Details.CREDENTIAL_TYPE,
            Details.IDENTITY_PROVIDER, Details.CUSTOM_REQUIRED_ACTION, Details.REMEMBER_ME, Details.REGISTER_METHOD,
            Details.REASON, Details.GRANT_TYPE);

    /** Admin events on these resources are journaled: users, clients, roles and who holds them. */
    static final Set<ResourceType> ADMIN_RESOURCES = Set.of(ResourceType.USER, ResourceType.CLIENT,
            ResourceType.REALM_ROLE, ResourceType.CLIENT_ROLE, ResourceType.REALM_ROLE_MAPPING,
            ResourceType.CLIENT_ROLE_MAPPING, ResourceType.GROUP_MEMBERSHIP);

    private final IpAddresses ipAddresses;

    public SecurityEvents(IpAddresses ipAddresses) {
        this.ipAddresses = ipAddresses;
    }

    /** The journal's kind of a user event, or nothing when it is not one the journal keeps. */
    static Optional<String> kind(Event event) {
        Map<String, String> details = event.getDetails() == null ? Map.of() : event.getDetails();
        String kind = switch (event.getType()) {
            case LOGIN -> details.containsKey(Details.IDENTITY_PROVIDER) ? "security.federated-login" : "security.login";
            case LOGIN_ERROR -> "security.login-failed";
            case IDENTITY_PROVIDER_LOGIN_ERROR, IDENTITY_PROVIDER_FIRST_LOGIN_ERROR,
                 IDENTITY_PROVIDER_POST_LOGIN_ERROR -> "security.federated-login";
            case USER_DISABLED_BY_TEMPORARY_LOCKOUT, USER_DISABLED_BY_PERMANENT_LOCKOUT -> "security.lockout";
            case REGISTER, REGISTER_ERROR -> "security.register";
            case LOGOUT, LOGOUT_ERROR -> "security.logout";
            case FEDERATED_IDENTITY_LINK, FEDERATED_IDENTITY_LINK_ERROR, IDENTITY_PROVIDER_LINK_ACCOUNT,
                 REMOVE_FEDERATED_IDENTITY -> "security.federated-link";
            // Keycloak 26 sends UPDATE_CREDENTIAL / REMOVE_CREDENTIAL for every kind of credential, and the older
            // UPDATE_PASSWORD / UPDATE_TOTP / REMOVE_TOTP beside them for the same act: only the former are kept,
            // so that one change is one entry.
            case UPDATE_CREDENTIAL, UPDATE_CREDENTIAL_ERROR -> isPassword(details)
                    ? "security.password-changed" : "security.factor-added";
            case REMOVE_CREDENTIAL, REMOVE_CREDENTIAL_ERROR -> isPassword(details)
                    ? "security.password-changed" : "security.factor-removed";
            case UPDATE_EMAIL, UPDATE_EMAIL_ERROR -> "security.email-changed";
            case UPDATE_PROFILE -> details.containsKey(Details.UPDATED_EMAIL) ? "security.email-changed" : null;
            default -> null;
        };
        return Optional.ofNullable(kind);
    }

    public Optional<SecurityEvent> of(Event event) {
        return kind(event).map(kind -> {
            Map<String, String> details = allowed(event.getDetails());
            if (event.getType() == EventType.REMOVE_FEDERATED_IDENTITY) {
                details.put("change", "removed");
            }
            ip(event.getIpAddress()).ifPresent(ip -> details.put("ip", ip));
            String outcome = event.getError() == null ? SUCCESS : cut(event.getError());
            return new SecurityEvent(event.getId(), kind, event.getTime(), event.getUserId(), event.getClientId(),
                    outcome, details);
        });
    }

    /** An admin event on users, clients or roles; never its representation. */
    public Optional<SecurityEvent> of(AdminEvent event) {
        if (event.getResourceType() == null || !ADMIN_RESOURCES.contains(event.getResourceType())) {
            return Optional.empty();
        }
        Map<String, String> details = new HashMap<>();
        details.put("resourceType", event.getResourceType().name());
        details.put("operation", event.getOperationType().name());
        if (event.getResourcePath() != null) {
            // users/{id}, clients/{id}/roles/{name}, …: ids and role names, nothing secret.
            details.put("resourcePath", cut(event.getResourcePath()));
        }
        String userId = null;
        String clientId = null;
        if (event.getAuthDetails() != null) {
            userId = event.getAuthDetails().getUserId();
            clientId = event.getAuthDetails().getClientId();
            ip(event.getAuthDetails().getIpAddress()).ifPresent(ip -> details.put("ip", ip));
        }
        String outcome = event.getError() == null ? SUCCESS : cut(event.getError());
        return Optional.of(new SecurityEvent(event.getId(), "security.admin", event.getTime(), userId, clientId,
                outcome, details));
    }

    private static boolean isPassword(Map<String, String> details) {
        return "password".equals(details.get(Details.CREDENTIAL_TYPE));
    }

    static Map<String, String> allowed(Map<String, String> details) {
        Map<String, String> kept = new HashMap<>();
        if (details != null) {
            details.forEach((key, value) -> {
                if (ALLOWED_DETAILS.contains(key) && value != null) {
                    kept.put(key, cut(value));
                }
            });
        }
        return kept;
    }

    Optional<String> ip(String address) {
        if (address == null || address.isBlank() || ipAddresses == IpAddresses.NONE) {
            return Optional.empty();
        }
        if (ipAddresses == IpAddresses.FULL) {
            return Optional.of(cut(address));
        }
        return network(address);
    }

    /** IPv4 /24 or IPv6 /48, as CIDR text; nothing for what is not a literal address. */
    static Optional<String> network(String address) {
        String literal = address.strip();
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty(); // never a host name: InetAddress would resolve it
        }
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            int keep = bytes.length == 4 ? 3 : 6;
            for (int i = keep; i < bytes.length; i++) {
                bytes[i] = 0;
            }
            return Optional.of(InetAddress.getByAddress(bytes).getHostAddress() + "/" + keep * 8);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String cut(String value) {
        return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE);
    }
}
