package fr.civis.consent.recipient;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The subject a client sees when Keycloak's {@code oidc-sha256-pairwise-sub-mapper} is on it, computed as Keycloak
 * computes it ({@code SHA256PairwiseSubMapper}): {@code UUID.nameUUIDFromBytes(SHA-256(sector ‖ sub ‖ salt))}, all
 * three as UTF-8, where the sector is the host of the mapper's sector identifier URI, or else the one host of the
 * client's redirect URIs (relative ones resolved against its root URL).
 */
public record PairwiseSubject(String sectorIdentifier, String salt) {

    public static final String MAPPER = "oidc-sha256-pairwise-sub-mapper";

    public PairwiseSubject {
        Objects.requireNonNull(sectorIdentifier, "sectorIdentifier");
        Objects.requireNonNull(salt, "salt");
    }

    public String of(String sub) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(sectorIdentifier.getBytes(StandardCharsets.UTF_8));
            sha256.update(sub.getBytes(StandardCharsets.UTF_8));
            return UUID.nameUUIDFromBytes(sha256.digest(salt.getBytes(StandardCharsets.UTF_8))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * The sector Keycloak derives: the host of {@code sectorIdentifierUri} when set, else the single host of the
     * redirect URIs; null when Keycloak could not derive one either (it would then refuse the mapper).
     */
    public static String sectorOf(String sectorIdentifierUri, String rootUrl, Collection<String> redirectUris) {
        if (sectorIdentifierUri != null && !sectorIdentifierUri.isEmpty()) {
            return host(sectorIdentifierUri);
        }
        Set<String> hosts = new HashSet<>();
        for (String redirect : redirectUris) {
            if (redirect == null || redirect.isBlank()) {
                continue;
            }
            String absolute = redirect.startsWith("/") ? (rootUrl == null || rootUrl.isEmpty() ? null : rootUrl + redirect)
                    : redirect;
            if (absolute == null) {
                continue;
            }
            try {
                hosts.add(new URI(absolute).getHost());
            } catch (URISyntaxException ignored) {
                // Keycloak skips an invalid redirect URI too.
            }
        }
        return hosts.size() == 1 ? hosts.iterator().next() : null;
    }

    private static String host(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.getScheme() == null ? null : parsed.getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
