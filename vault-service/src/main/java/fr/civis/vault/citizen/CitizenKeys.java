package fr.civis.vault.citizen;

import java.security.GeneralSecurityException;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import fr.civis.common.problem.ProblemException;
import fr.civis.vault.crypto.CitizenKey;
import fr.civis.vault.crypto.Keyring;
import fr.civis.vault.crypto.SealBrokenException;

/** Each citizen's key, created on first use, kept wrapped by the master key, opened in memory per request. */
@Component
public class CitizenKeys {

    private final JdbcClient jdbc;
    private final Keyring keyring;
    private final TransactionTemplate ownTransaction;

    CitizenKeys(JdbcClient jdbc, Keyring keyring, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.keyring = keyring;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * The citizen's key, created the first time the citizen stores something. Reading it needs no transaction of its
     * own (it is asked for on every download: a transaction is three more round trips); creating it does.
     */
    public CitizenKey keyOf(Owner owner) {
        try {
            byte[] wrapped = stored(owner);
            return keyring.openCitizenKey(owner.subject(), wrapped != null ? wrapped : created(owner));
        } catch (SealBrokenException broken) {
            throw new IllegalStateException("A citizen key does not open under the master key", broken);
        } catch (GeneralSecurityException keyProviderDown) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "keys-unavailable", keyProviderDown);
        }
    }

    /**
     * Stores a new key, committed at once whatever the caller's transaction does next, and returns the stored one:
     * a concurrent first upload may have won the insert.
     */
    private byte[] created(Owner owner) throws GeneralSecurityException {
        byte[] fresh = keyring.newCitizenKey(owner.subject());
        return ownTransaction.execute(status -> {
            jdbc.sql("""
                    INSERT INTO citizen_key (owner, wrapped_key, master_key_id) VALUES (:owner, :key, :masterKeyId)
                    ON CONFLICT (owner) DO NOTHING
                    """)
                    .param("owner", owner.subject()).param("key", fresh)
                    .param("masterKeyId", Keyring.masterKeyIdOf(fresh))
                    .update();
            return stored(owner);
        });
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
