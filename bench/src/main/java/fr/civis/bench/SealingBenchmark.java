package fr.civis.bench;

import fr.civis.vault.crypto.DocumentKey;
import fr.civis.vault.crypto.DocumentRef;
import fr.civis.vault.crypto.KeyProvider;
import fr.civis.vault.crypto.Keyring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing and opening a document's content with {@link DocumentKey} (Tink AES256_GCM_HKDF streaming, the vault's
 * code) against raw JDK AES-256-GCM ({@code doFinal} on the whole buffer), per document size and segment size.
 *
 * <p>Each operation processes one whole document; the score is the average time of one operation, so a
 * throughput is {@code size / score} and a ratio sealing/raw is {@code raw score / sealing score}. The streams are
 * fed and drained in 64 KiB chunks, as {@code DocumentService} does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 4, time = 1)
public class SealingBenchmark {

    static final int CHUNK = 64 * 1024;

    /** The document: its size and its plaintext. */
    @State(Scope.Thread)
    public static class Document {
        @Param({"204800", "1048576", "5242880"})
        public int size;

        byte[] plaintext;
        byte[] chunk = new byte[CHUNK];

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            plaintext = new byte[size];
            new SecureRandom().nextBytes(plaintext);
            warmUpGcm();
        }
    }

    /**
     * Makes the JDK's AES-GCM hot before anything is measured, as it is in a running vault. Its fast path (the
     * AES-NI/CLMUL intrinsic) is only taken once the calling code is compiled by C2, which takes thousands of
     * calls: one {@code doFinal} of several MiB per operation never gets there within a JMH warm-up and runs
     * about 100 times slower (measured: ~100 MB/s), whereas 64 KiB segments do. Thousands of small encryptions and
     * decryptions first put every benchmark, raw or streaming, on the same compiled path.
     */
    static void warmUpGcm() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        SecretKey key = generator.generateKey();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = new byte[12];
        byte[] in = new byte[8 * 1024];
        byte[] out = new byte[in.length + 16];
        byte[] back = new byte[in.length];
        for (int i = 0; i < 30_000; i++) {
            ByteBuffer.wrap(iv).putInt(8, i);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            int sealed = cipher.doFinal(in, 0, in.length, out, 0);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
            cipher.doFinal(out, 0, sealed, back, 0);
        }
    }

    /** Raw JDK AES-256-GCM: one key, a fresh 96-bit IV per encryption (the JDK refuses to reuse one). */
    @State(Scope.Thread)
    public static class RawGcm {
        SecretKey key;
        Cipher cipher;
        byte[] iv = new byte[12];
        long counter;
        byte[] output;
        byte[] ciphertext;
        byte[] ciphertextIv;

        @Setup(Level.Trial)
        public void setUp(Document document) throws GeneralSecurityException {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            key = generator.generateKey();
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            output = new byte[document.size + 16];
            ciphertextIv = new byte[12];
            new SecureRandom().nextBytes(ciphertextIv);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, ciphertextIv));
            ciphertext = cipher.doFinal(document.plaintext);
        }

        GCMParameterSpec nextIv() {
            ByteBuffer.wrap(iv).putLong(4, ++counter);
            return new GCMParameterSpec(128, iv);
        }
    }

    /** A document key of the vault's format, for one segment size, and a ciphertext it made. */
    @State(Scope.Thread)
    public static class Streaming {
        @Param({"65536", "1048576"})
        public int segmentSize;

        DocumentKey key;
        byte[] ciphertext;

        @Setup(Level.Trial)
        public void setUp(Document document) throws IOException {
            Keyring keyring = Keyring.create(new NoMasterKey(), segmentSize);
            key = keyring.newDocumentKey(new DocumentRef("bench-citizen", UUID.randomUUID()));
            ByteArrayOutputStream sealed = new ByteArrayOutputStream(document.size + document.size / 100 + 1024);
            try (OutputStream out = key.sealingStream(sealed, 1)) {
                out.write(document.plaintext);
            }
            ciphertext = sealed.toByteArray();
        }
    }

    @Benchmark
    public int rawSeal(Document document, RawGcm raw) throws GeneralSecurityException {
        raw.cipher.init(Cipher.ENCRYPT_MODE, raw.key, raw.nextIv());
        return raw.cipher.doFinal(document.plaintext, 0, document.size, raw.output, 0);
    }

    @Benchmark
    public int rawOpen(Document document, RawGcm raw) throws GeneralSecurityException {
        raw.cipher.init(Cipher.DECRYPT_MODE, raw.key, new GCMParameterSpec(128, raw.ciphertextIv));
        return raw.cipher.doFinal(raw.ciphertext, 0, raw.ciphertext.length, raw.output, 0);
    }

    @Benchmark
    public long seal(Document document, Streaming streaming) throws IOException {
        CountingSink sink = new CountingSink();
        try (OutputStream out = streaming.key.sealingStream(sink, 1)) {
            for (int offset = 0; offset < document.size; offset += CHUNK) {
                out.write(document.plaintext, offset, Math.min(CHUNK, document.size - offset));
            }
        }
        return sink.count;
    }

    @Benchmark
    public long open(Document document, Streaming streaming) throws IOException {
        long total = 0;
        try (InputStream in = streaming.key.openingStream(new ByteArrayInputStream(streaming.ciphertext), 1)) {
            for (int read; (read = in.read(document.chunk)) != -1; ) {
                total += read;
            }
        }
        return total;
    }

    /** Where the ciphertext goes: counted, not kept (S3 in the vault). */
    static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Document keys never meet the master key here. */
    static final class NoMasterKey implements KeyProvider {
        @Override
        public String keyId() {
            return "bench";
        }

        @Override
        public byte[] wrap(byte[] plaintextKey, byte[] associatedData) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
            throw new UnsupportedOperationException();
        }
    }
}
