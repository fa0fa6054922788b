package fr.civis.keycloak.otp;

import java.security.SecureRandom;
import java.time.Clock;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** {@value #ID}: enrol and verify a mobile number for codes by SMS. */
public final class PhoneNumberActionFactory implements RequiredActionFactory {

    public static final String ID = "civis-phone-number";

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Civis: verify a mobile number (codes by SMS)";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new PhoneNumberAction(session, random, clock);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
