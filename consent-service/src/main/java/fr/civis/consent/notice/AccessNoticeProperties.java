package fr.civis.consent.notice;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The e-mail a citizen receives when a service accessed one of their documents (docs/adr/0025).
 *
 * @param catchUp   an access is still notified this long after it was journaled (a relay down over a weekend); an
 *                  older one gets none rather than being announced weeks late
 * @param mailFrom  sender of the e-mails
 * @param portalUrl the portal, whose « Qui a consulté ce document » screen the e-mail links to
 */
@Validated
@ConfigurationProperties("civis.access-notices")
public record AccessNoticeProperties(
        @NotNull @DefaultValue("P7D") Duration catchUp,
        @NotBlank @DefaultValue("ne-pas-repondre@civis.localhost") String mailFrom,
        @NotNull @DefaultValue("http://localhost:8082/") URI portalUrl) {
}
