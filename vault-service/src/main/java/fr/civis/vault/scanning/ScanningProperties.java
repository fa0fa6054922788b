package fr.civis.vault.scanning;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Antivirus scanning by ClamAV's daemon. Without a port, uploads are not scanned (and the service says so at
 * start); with one, a clamd that does not answer makes uploads fail rather than pass unscanned.
 *
 * @param clamdHost host of clamd's TCP socket
 * @param clamdPort its port; empty disables scanning
 * @param timeout   longest wait for clamd's verdict once the document is sent
 */
@ConfigurationProperties("civis.scanning")
public record ScanningProperties(
        @DefaultValue("127.0.0.1") String clamdHost,
        Integer clamdPort,
        @DefaultValue("2m") Duration timeout) {

    public boolean enabled() {
        return clamdPort != null;
    }
}
