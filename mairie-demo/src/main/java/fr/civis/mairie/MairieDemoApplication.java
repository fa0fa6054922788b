package fr.civis.mairie;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * « Inscription à la crèche »: the demonstration municipal app. It logs the citizen in through Keycloak, asks the
 * vault for a paper with its own client-credentials token, and shows what it received once the digest is checked.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MairieDemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(MairieDemoApplication.class, args);
    }
}
