package fr.civis.keycloak.events.outbox;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** {@value #ID}: the security-event outbox's entity and table. Its id names Liquibase's changelog table too. */
public final class OutboxEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String ID = "civis-event-outbox";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new OutboxEntityProvider();
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

    @Override
    public String getId() {
        return ID;
    }
}
