package fr.civis.consent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import fr.civis.common.CivisServiceConfiguration;

/** Consent records and receipts, access events, the tamper-evident journal and the DPO console. */
@SpringBootApplication
@Import(CivisServiceConfiguration.class)
public class ConsentServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsentServiceApplication.class, args);
    }
}
