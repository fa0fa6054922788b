package fr.civis.common.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.security.oauth2.jwt.Jwt;

/** The realm roles Civis gives meaning to. Keycloak's technical roles (default-roles-…, offline_access) are ignored. */
public enum CivisRole {
    CITIZEN("citizen"),
    AGENT("agent"),
    DPO("dpo"),
    ADMIN("admin");

    private final String claimValue;

    CivisRole(String claimValue) {
        this.claimValue = claimValue;
    }

    public String claimValue() {
        return claimValue;
    }

    public String authority() {
        return "ROLE_" + name();
    }

    /** Roles granted in the token's {@code realm_access.roles} claim, in declaration order. */
    public static List<CivisRole> of(Jwt jwt) {
        Collection<?> granted = Optional.ofNullable(jwt.getClaimAsMap("realm_access"))
                .map(access -> access.get("roles"))
                .filter(Collection.class::isInstance)
                .map(Collection.class::cast)
                .orElse(List.of());
        return Arrays.stream(values()).filter(role -> granted.contains(role.claimValue)).toList();
    }
}
