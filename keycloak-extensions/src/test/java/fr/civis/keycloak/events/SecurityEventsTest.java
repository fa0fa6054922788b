package fr.civis.keycloak.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

class SecurityEventsTest {

    private final SecurityEvents events = new SecurityEvents(SecurityEvents.IpAddresses.NETWORK);

    private static Event event(EventType type, Map<String, String> details) {
        Event event = new Event();
        event.setId("3f2c0a7e-0000-4000-8000-000000000002");
        event.setType(type);
        event.setTime(1_764_763_200_000L);
        event.setUserId("8a1e5c3e-0000-4000-8000-000000000001");
        event.setClientId("civis-portal");
        event.setIpAddress("192.0.2.77");
        event.setDetails(new HashMap<>(details));
        return event;
    }

    @Test
    void kinds_follow_docs_journal_events() {
        assertThat(SecurityEvents.kind(event(EventType.LOGIN, Map.of()))).contains("security.login");
        assertThat(SecurityEvents.kind(event(EventType.LOGIN, Map.of(Details.IDENTITY_PROVIDER, "franceconnect"))))
                .contains("security.federated-login");
        assertThat(SecurityEvents.kind(event(EventType.LOGIN_ERROR, Map.of()))).contains("security.login-failed");
        assertThat(SecurityEvents.kind(event(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT, Map.of())))
                .contains("security.lockout");
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "otp"))))
                .contains("security.factor-added");
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "password"))))
                .contains("security.password-changed");
        assertThat(SecurityEvents.kind(event(EventType.REMOVE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "webauthn"))))
                .contains("security.factor-removed");
        // The older events Keycloak sends beside UPDATE_CREDENTIAL for the same act: not a second entry.
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_PASSWORD, Map.of()))).isEmpty();
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_TOTP, Map.of()))).isEmpty();
        assertThat(SecurityEvents.kind(event(EventType.CODE_TO_TOKEN, Map.of()))).isEmpty();
    }

    /** What a citizen does to their own account, as Keycloak 26 reports it (CitizenSecurityEventsIT, end to end). */
    @Test
    void a_citizens_own_changes_have_their_kinds() {
        assertThat(SecurityEvents.kind(event(EventType.REGISTER, Map.of(Details.REGISTER_METHOD, "form"))))
                .contains("security.register");
        // A first FranceConnect login creates the account: a registration, then a federated login.
        assertThat(SecurityEvents.kind(event(EventType.REGISTER, Map.of(Details.REGISTER_METHOD, "broker",
                Details.IDENTITY_PROVIDER, "franceconnect")))).contains("security.register");
        assertThat(SecurityEvents.kind(event(EventType.FEDERATED_IDENTITY_LINK,
                Map.of(Details.IDENTITY_PROVIDER, "franceconnect")))).contains("security.federated-link");
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_EMAIL, Map.of(Details.PREVIOUS_EMAIL, "a@b.fr",
                Details.UPDATED_EMAIL, "c@d.fr")))).contains("security.email-changed");
        // Our phone enrolment reports itself as Keycloak's own enrolments do (PhoneNumberAction).
        assertThat(SecurityEvents.kind(event(EventType.UPDATE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "civis-sms"))))
                .contains("security.factor-added");
        assertThat(SecurityEvents.kind(event(EventType.REMOVE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "otp"))))
                .contains("security.factor-removed");
        // Sent beside REMOVE_CREDENTIAL for the same removal of an app; the request for a confirmation link, and the
        // link followed, are steps of the change, not changes.
        assertThat(SecurityEvents.kind(event(EventType.REMOVE_TOTP, Map.of()))).isEmpty();
        assertThat(SecurityEvents.kind(event(EventType.SEND_VERIFY_EMAIL, Map.of()))).isEmpty();
        assertThat(SecurityEvents.kind(event(EventType.VERIFY_EMAIL, Map.of()))).isEmpty();
    }

    @Test
    void only_allow_listed_details_leave_and_the_address_is_cut_to_its_network() {
        SecurityEvent login = events.of(event(EventType.LOGIN_ERROR, Map.of(Details.USERNAME, "mot-de-passe-tapé-ici",
                Details.AUTH_METHOD, "openid-connect", Details.CODE_ID, "code-id", Details.REDIRECT_URI,
                "https://x/?code=secret", Details.EMAIL, "a@b.fr", Details.TOKEN_ID, "jti",
                Details.CREDENTIAL_TYPE, "password"))).orElseThrow();
        assertThat(login.details()).containsOnlyKeys(Details.AUTH_METHOD, Details.CREDENTIAL_TYPE, "ip");
        assertThat(login.details()).containsEntry("ip", "192.0.2.0/24");
        assertThat(login.outcome()).isEqualTo("success");
        assertThat(login.toJson().toString()).doesNotContain("mot-de-passe", "secret", "a@b.fr", "jti", "code-id");
    }

    @Test
    void an_error_is_the_outcome() {
        Event failed = event(EventType.LOGIN_ERROR, Map.of());
        failed.setError("invalid_user_credentials");
        assertThat(events.of(failed).orElseThrow().outcome()).isEqualTo("invalid_user_credentials");
    }

    @Test
    void ip_addresses_follow_the_setting() {
        assertThat(SecurityEvents.network("2001:db8:1234:5678::1")).contains("2001:db8:1234:0:0:0:0:0/48");
        assertThat(SecurityEvents.network("serveur.example")).isEmpty();
        assertThat(new SecurityEvents(SecurityEvents.IpAddresses.NONE).ip("192.0.2.77")).isEmpty();
        assertThat(new SecurityEvents(SecurityEvents.IpAddresses.FULL).ip("192.0.2.77")).contains("192.0.2.77");
    }

    @Test
    void an_admin_event_never_carries_its_representation() {
        AdminEvent reset = new AdminEvent();
        reset.setId("5d1b0a7e-0000-4000-8000-000000000003");
        reset.setTime(1_764_763_200_000L);
        reset.setResourceType(ResourceType.USER);
        reset.setOperationType(OperationType.ACTION);
        reset.setResourcePath("users/8a1e5c3e-0000-4000-8000-000000000001/reset-password");
        reset.setRepresentation("{\"type\":\"password\",\"value\":\"Nouveau-secret-2026\"}");
        AuthDetails admin = new AuthDetails();
        admin.setUserId("admin-id");
        admin.setClientId("security-admin-console");
        admin.setIpAddress("198.51.100.9");
        reset.setAuthDetails(admin);

        SecurityEvent event = events.of(reset).orElseThrow();
        assertThat(event.kind()).isEqualTo("security.admin");
        assertThat(event.userId()).isEqualTo("admin-id");
        assertThat(event.details()).containsEntry("operation", "ACTION").containsEntry("resourceType", "USER")
                .containsEntry("ip", "198.51.100.0/24");
        assertThat(event.toJson().toString()).doesNotContain("Nouveau-secret-2026");

        AdminEvent flow = new AdminEvent(reset);
        flow.setResourceType(ResourceType.AUTH_FLOW);
        assertThat(events.of(flow)).isEmpty();
    }
}
