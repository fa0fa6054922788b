/**
 * The citizen every feature serves: the {@link fr.civis.vault.citizen.Owner} a request acts for, their key
 * ({@link fr.civis.vault.citizen.CitizenKeys}), whether their safe still takes changes
 * ({@link fr.civis.vault.citizen.SafeStates}) and where to write to them
 * ({@link fr.civis.vault.citizen.CitizenDirectory}). Depends on {@code crypto} and {@code security} only; {@code document}, {@code safe}
 * and {@code release} depend on it, never the other way round.
 */
package fr.civis.vault.citizen;
