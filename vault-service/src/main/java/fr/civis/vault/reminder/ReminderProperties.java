package fr.civis.vault.reminder;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Reminders before a paper expires (docs/adr/0022-expiry-reminders.md).
 *
 * @param soonDays    a paper is « expire bientôt » this many days before its validity ends: the badge and the first
 *                    e-mail
 * @param catchUpDays the e-mail « on the day » still goes this many days after it, for a job that could not run then
 *                    (an outage over a weekend); older papers get none
 * @param mailFrom    sender of the reminders
 * @param portalUrl   the portal, where the citizen replaces the paper (the link of the e-mail)
 */
@Validated
@ConfigurationProperties("civis.reminders")
public record ReminderProperties(
        @Positive @DefaultValue("30") int soonDays,
        @PositiveOrZero @DefaultValue("3") int catchUpDays,
        @NotBlank @DefaultValue("ne-pas-repondre@civis.localhost") String mailFrom,
        @NotNull @DefaultValue("http://localhost:8082/") URI portalUrl) {
}
