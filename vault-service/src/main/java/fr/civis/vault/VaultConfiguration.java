package fr.civis.vault;

import java.time.Clock;
import java.util.List;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import fr.civis.vault.storage.ObjectStore;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class VaultConfiguration {

    /** The chunk size of the vault's own reads and writes of document bodies. */
    private static final int SOCKET_BUFFER = 64 * 1024;

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Tomcat moves request and response bodies through per-connection socket buffers of 8 KiB by default: a 64 KiB
     * write of a document then costs eight copies and eight system calls. Documents are the vault's traffic, so its
     * connections get buffers the size of those writes (docs/benchmarks.md).
     */
    @Bean
    TomcatConnectorCustomizer documentSizedSocketBuffers() {
        return connector -> {
            for (String property : List.of("socket.appReadBufSize", "socket.appWriteBufSize")) {
                // Tomcat ignores a property it does not know: a renamed one must stop the start, not pass unseen.
                if (!connector.setProperty(property, Integer.toString(SOCKET_BUFFER))) {
                    throw new IllegalStateException("Tomcat does not know " + property);
                }
            }
        };
    }

    /** The service is ready only once its bucket exists. */
    @Bean
    ApplicationRunner bucket(ObjectStore store) {
        return arguments -> store.ensureBucket();
    }
}
