package fr.civis.vault.citizen;

import java.security.GeneralSecurityException;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.SealBrokenException;

/** Each citizen's key, created on first use, kept wrapped by the master key, opened in memory per request. */
@Component
public class CitizenKeys {

    private final JdbcClient jdbc;
    private final Keyring keyring;

    CitizenKeys(JdbcClient jdbc, Keyring keyring) {
        this.jdbc = jdbc;
        this.keyring = keyring;
    }

    /** The citizen's key, created (and committed at once) the first time the citizen stores something. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public CitizenKey keyOf(Owner owner) {
        try {
            byte[] wrapped = stored(owner);
            if (wrapped == null) {
                byte[] fresh = keyring.newCitizenKey(owner.subject());
                jdbc.sql("""
                        INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (:owner, :key, :masterKeyId)
                        ON CONFLICT (owner) DO NOTHING
                        """)
                        .param("owner", owner.subject()).param("key", fresh)
                        .param("masterKeyId", Keyring.masterKeyIdOf(fresh))
                        .update();
                // A concurrent first upload may have won the insert: always use the stored key.
                wrapped = stored(owner);
            }
            return keyring.openCitizenKey(owner.subject(), wrapped);
        } catch (SealBrokenException broken) {
            throw new IllegalStateException("A citizen key does not open under the master key", broken);
        } catch (GeneralSecurityException keyProviderDown) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "keys-unavailable", keyProviderDown);
        }
    }

    /** Serialises a citizen's writes (quota checks) until the surrounding transaction ends. */
    public void lock(Owner owner) {
        jdbc.sql("SELECT owner FROM citizen_key WHERE owner = :owner FOR UPDATE")
                .param("owner", owner.subject()).query(String.class).optional();
    }

    /** Destroys the citizen's key: every document key it wrapped, in the database and in its backups, is lost for good. */
    public void destroy(Owner owner) {
        jdbc.sql("DELETE FROM citizen_key WHERE owner = :owner").param("owner", owner.subject()).update();
    }

    private byte[] stored(Owner owner) {
        return jdbc.sql("SELECT wrapped_key FROM citizen_key WHERE owner = :owner")
                .param("owner", owner.subject()).query(byte[].class).optional().orElse(null);
    }
}
