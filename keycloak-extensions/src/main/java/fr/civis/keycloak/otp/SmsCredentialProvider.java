package fr.civis.keycloak.otp;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.util.JsonSerialization;

/**
 * A verified mobile number, kept as a credential of type {@value #TYPE}: it then appears among the person's second
 * factors in the account console, is offered by "try another way" only to those who have one, and is removed or
 * replaced through Keycloak's credential machinery (with its fresh-login checks) rather than as a profile field.
 */
public final class SmsCredentialProvider implements CredentialProvider<CredentialModel> {

    public static final String TYPE = "civis-sms";
    private static final String PHONE = "phoneNumber";

    private final KeycloakSession session;

    SmsCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    /** Replaces any number the person had: one phone per account, the latest verified. */
    void enrol(RealmModel realm, UserModel user, String e164) {
        user.credentialManager().getStoredCredentialsByTypeStream(TYPE).map(CredentialModel::getId).toList()
                .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        CredentialModel credential = new CredentialModel();
        credential.setType(TYPE);
        credential.setUserLabel(PhoneNumbers.masked(e164));
        try {
            credential.setCredentialData(JsonSerialization.writeValueAsString(Map.of(PHONE, e164)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        createCredential(realm, user, credential);
    }

    Optional<String> phoneNumber(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE).findFirst().map(credential -> {
            try {
                return String.valueOf(JsonSerialization.readValue(credential.getCredentialData(), Map.class).get(PHONE));
            } catch (IOException e) {
                throw new IllegalStateException("Unreadable " + TYPE + " credential", e);
            }
        });
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credential) {
        if (credential.getCreatedDate() == null) {
            credential.setCreatedDate(Time.currentTimeMillis());
        }
        return user.credentialManager().createStoredCredential(credential);
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext context) {
        return CredentialTypeMetadata.builder()
                .type(TYPE)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("civis-sms-display-name")
                .helpText("civis-sms-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(PhoneNumberActionFactory.ID)
                .removeable(true)
                .build(session);
    }
}
