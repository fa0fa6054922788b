package fr.civis.vault.web;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body that writes itself (a document's plaintext, an export archive), returned in a
 * {@code ResponseEntity} with its headers and written once, in the request's own thread, by
 * {@link WrittenBodyConverter}.
 */
@FunctionalInterface
public interface WrittenBody {

    void writeTo(OutputStream out) throws IOException;
}
