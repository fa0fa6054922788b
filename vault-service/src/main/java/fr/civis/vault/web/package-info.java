/**
 * How the vault writes a response that is not JSON: a {@link fr.civis.vault.web.WrittenBody}, written by
 * {@link fr.civis.vault.web.WrittenBodyConverter} in the request's own virtual thread. Depends on nothing of ours;
 * {@code document}, {@code release} and {@code safe} return it from their download endpoints.
 */
package fr.civis.vault.web;
