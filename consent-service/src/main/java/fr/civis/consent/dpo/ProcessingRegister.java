package fr.civis.consent.dpo;

import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Component;

import fr.civis.consent.recipient.Recipient;
import fr.civis.consent.recipient.RecipientRegistry;

/**
 * The record of processing activities (RGPD art. 30) as far as document releases go: one line per recipient and
 * declared purpose, from the registry the releases themselves are checked against, so it cannot drift from practice.
 */
@Component
class ProcessingRegister {

    static final List<String> COLUMNS = List.of("recipient", "recipientName", "kind", "purpose", "purposeLabel",
            "legalBasis", "documentTypes", "maxDuration", "dpoContact");

    record Processing(String recipient, String recipientName, String kind, String purpose, String purposeLabel,
            String legalBasis, List<String> documentTypes, String maxDuration, String dpoContact) {

        List<String> cells() {
            return Arrays.asList(recipient, recipientName, kind, purpose, purposeLabel, legalBasis,
                    String.join(" ", documentTypes), maxDuration, dpoContact);
        }
    }

    private final RecipientRegistry registry;

    ProcessingRegister(RecipientRegistry registry) {
        this.registry = registry;
    }

    List<Processing> processings() {
        return registry.all().stream()
                .sorted(java.util.Comparator.comparing(Recipient::clientId))
                .flatMap(recipient -> recipient.purposes().stream().map(purpose -> new Processing(recipient.clientId(),
                        recipient.displayName(), recipient.kind(), purpose.code(), purpose.label(), purpose.legalBasis(),
                        purpose.documentTypes(), purpose.maxDuration(), recipient.dpoContact())))
                .toList();
    }
}
