/**
 * Envelope encryption of the citizens' documents: a master key ({@link fr.civis.vault.crypto.KeyProvider}) wraps
 * one key per citizen ({@link fr.civis.vault.crypto.CitizenKey}), which wraps one key per document
 * ({@link fr.civis.vault.crypto.DocumentKey}), which seals the document's content as a segmented stream and its
 * personal fields. Start from {@link fr.civis.vault.crypto.Keyring}; see docs/adr/0004-envelope-encryption.md.
 * Master keys live in a PKCS#12 file ({@link fr.civis.vault.crypto.KeyStoreKeyProvider}) or a PKCS#11 HSM
 * ({@link fr.civis.vault.crypto.Pkcs11Token}); {@link fr.civis.vault.crypto.MasterKeys} says which one is current
 * (docs/adr/0016-master-key-rotation.md). JDK and Tink only: no Spring but {@code KeyProperties}, no feature.
 */
package fr.civis.vault.crypto;
