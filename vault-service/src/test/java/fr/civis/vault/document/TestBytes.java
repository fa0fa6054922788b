package fr.civis.vault.document;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Byte strings for the content checks' tests: file headers are written as Latin-1 text. */
final class TestBytes {

    private TestBytes() {
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
