package fr.civis.vault.reminder;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import fr.civis.vault.citizen.CitizenKeys;
import fr.civis.vault.citizen.Owner;

/** Whether a citizen wants the reminders: on unless they turned them off. */
@Component
class ReminderSettings {

    private final JdbcClient jdbc;
    private final CitizenKeys citizenKeys;

    ReminderSettings(JdbcClient jdbc, CitizenKeys citizenKeys) {
        this.jdbc = jdbc;
        this.citizenKeys = citizenKeys;
    }

    boolean enabled(Owner owner) {
        return !jdbc.sql("SELECT EXISTS (SELECT 1 FROM reminder_opt_out WHERE owner = :owner)")
                .param("owner", owner.subject()).query(Boolean.class).single();
    }

    void set(Owner owner, boolean enabled) {
        if (enabled) {
            jdbc.sql("DELETE FROM reminder_opt_out WHERE owner = :owner").param("owner", owner.subject()).update();
            return;
        }
        // The choice lives with the citizen's key, and goes with it when the safe ends: make sure the key exists.
        citizenKeys.keyOf(owner);
        jdbc.sql("INSERT INTO reminder_opt_out (owner) VALUES (:owner) ON CONFLICT (owner) DO NOTHING")
                .param("owner", owner.subject()).update();
    }
}
