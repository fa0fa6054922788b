package fr.civis.vault.safe;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param closureGrace        how long a safe the citizen closed stays retrieval-only before its keys are destroyed
 * @param cityNotice          notice given by e-mail before a closure decided by the city takes effect
 * @param cityRetrievalPeriod how long a safe the city closed then stays retrieval-only
 * @param mailFrom            sender of the notices
 * @param portalUrl           where the notice sends the citizen
 */
@ConfigurationProperties("civis.safe")
public record SafeProperties(
        @DefaultValue("30d") Duration closureGrace,
        @DefaultValue("92d") Duration cityNotice,
        @DefaultValue("365d") Duration cityRetrievalPeriod,
        @DefaultValue("ne-pas-repondre@civis.localhost") String mailFrom,
        @DefaultValue("http://localhost:8082/") String portalUrl) {
}
