package fr.civis.vault.safe;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param closureGrace how long a safe the citizen closed stays retrieval-only before its keys are destroyed
 */
@ConfigurationProperties("civis.safe")
public record SafeProperties(@DefaultValue("30d") Duration closureGrace) {
}
