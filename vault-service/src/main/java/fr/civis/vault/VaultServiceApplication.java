package fr.civis.vault;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import fr.civis.common.CivisServiceConfiguration;

/** The citizens' document safe and its pages ("Mon coffre"). */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(CivisServiceConfiguration.class)
public class VaultServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(VaultServiceApplication.class, args);
    }
}
