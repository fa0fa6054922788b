/**
 * Which master keys are in use and their rotation: {@link fr.civis.vault.masterkey.MasterKeyRing} (the keyring's
 * master keys, as the {@code master_key} table names them), {@link fr.civis.vault.masterkey.MasterKeyRotation}
 * (start, background rewrap under a PostgreSQL advisory lock, retirement, metrics) with its batches on plain JDBC
 * ({@link fr.civis.vault.masterkey.CitizenKeyRewrapper}, also run by the benchmark), and the admin endpoint. Depends
 * on {@code crypto} only; no feature depends on it but through the {@code Keyring} bean. See
 * docs/adr/0016-master-key-rotation.md.
 */
package fr.civis.vault.masterkey;
