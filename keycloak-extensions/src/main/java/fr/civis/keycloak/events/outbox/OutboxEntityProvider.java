package fr.civis.keycloak.events.outbox;

import java.util.List;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Adds the outbox table to Keycloak's persistence unit and its Liquibase changelog to Keycloak's migrations. */
final class OutboxEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(OutboxEntry.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/civis-events-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return OutboxEntityProviderFactory.ID;
    }

    @Override
    public void close() {
    }
}
