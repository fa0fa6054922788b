package fr.civis.keycloak.otp;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** Registers the {@value SmsCredentialProvider#TYPE} credential type. */
public final class SmsCredentialProviderFactory implements CredentialProviderFactory<SmsCredentialProvider> {

    @Override
    public String getId() {
        return SmsCredentialProvider.TYPE;
    }

    @Override
    public SmsCredentialProvider create(KeycloakSession session) {
        return new SmsCredentialProvider(session);
    }
}
