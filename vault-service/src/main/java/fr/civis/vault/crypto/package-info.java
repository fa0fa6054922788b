/**
 * Envelope encryption of the citizens' documents: a master key ({@link fr.civis.vault.crypto.KeyProvider}) wraps
 * one key per citizen ({@link fr.civis.vault.crypto.CitizenKey}), which wraps one key per document
 * ({@link fr.civis.vault.crypto.DocumentKey}), which seals the document's content as a segmented stream and its
 * personal fields. Start from {@link fr.civis.vault.crypto.Keyring}; see docs/adr/0004-envelope-encryption.md.
 */
package fr.civis.vault.crypto;
