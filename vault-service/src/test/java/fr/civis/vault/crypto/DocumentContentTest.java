package fr.civis.vault.crypto;

import static fr.civis.vault.crypto.Fixtures.HEADER;
import static fr.civis.vault.crypto.Fixtures.TAG;
import static fr.civis.vault.crypto.Fixtures.open;
import static fr.civis.vault.crypto.Fixtures.random;
import static fr.civis.vault.crypto.Fixtures.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentContentTest {

    private static final int SEGMENT = Keyring.DEFAULT_SEGMENT_SIZE;
    /** Plaintext bytes in the first segment (which also holds the header) and in the others. */
    private static final int FIRST_PLAIN = SEGMENT - HEADER - TAG;
    private static final int NEXT_PLAIN = SEGMENT - TAG;

    private static Keyring keyring;
    private static String owner;
    private static DocumentRef ref;
    private static DocumentKey key;

    @BeforeAll
    static void keys() throws Exception {
        keyring = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"));
        owner = Fixtures.owner();
        ref = Fixtures.ref(owner);
        key = keyring.newDocumentKey(ref);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 17,
            FIRST_PLAIN - 1, FIRST_PLAIN, FIRST_PLAIN + 1, FIRST_PLAIN + NEXT_PLAIN, FIRST_PLAIN + NEXT_PLAIN + 1})
    void contentRoundTrips(int size) throws IOException {
        byte[] plaintext = random(size);

        byte[] ciphertext = seal(key, plaintext, 1);

        assertThat(open(key, ciphertext, 1)).isEqualTo(plaintext);
        assertThat((long) ciphertext.length).isEqualTo(HEADER + size + segments(size) * TAG);
        if (size >= 32) {
            assertThat(Fixtures.contains(ciphertext, Arrays.copyOf(plaintext, 32))).isFalse();
        }
    }

    @Test
    void contentReadOneByteAtATimeRoundTrips() throws IOException {
        byte[] plaintext = random(FIRST_PLAIN + 10);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = key.openingStream(new ByteArrayInputStream(seal(key, plaintext, 3)), 3)) {
            for (int b = in.read(); b != -1; b = in.read()) {
                back.write(b);
            }
        }
        assertThat(back.toByteArray()).isEqualTo(plaintext);
    }

    @Test
    void twentyMegabytesStreamInConstantMemory(@TempDir Path dir) throws Exception {
        long size = 20L * 1024 * 1024 + 12_345;
        Path ciphertext = dir.resolve("document.sealed");
        MessageDigest sealedDigest = MessageDigest.getInstance("SHA-256");
        try (InputStream source = new GeneratedStream(size, 42);
             OutputStream out = key.sealingStream(Files.newOutputStream(ciphertext), 7)) {
            byte[] chunk = new byte[50_000]; // not a multiple of anything
            for (int n = source.read(chunk); n != -1; n = source.read(chunk)) {
                sealedDigest.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        assertThat(Files.size(ciphertext)).isEqualTo(HEADER + size + segments(size) * TAG);

        MessageDigest openedDigest = MessageDigest.getInstance("SHA-256");
        long opened;
        try (InputStream in = new DigestInputStream(key.openingStream(Files.newInputStream(ciphertext), 7),
                openedDigest)) {
            opened = in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(opened).isEqualTo(size);
        assertThat(openedDigest.digest()).isEqualTo(sealedDigest.digest());
    }

    @Test
    void openingReadsTheSourceLazily() throws IOException {
        byte[] ciphertext = seal(key, random(2 * 1024 * 1024), 1);
        CountingStream source = new CountingStream(new ByteArrayInputStream(ciphertext));
        try (InputStream in = key.openingStream(source, 1)) {
            byte[] buffer = new byte[4 * 1024 * 1024]; // a caller asking for far more than a segment
            int n = in.read(buffer);
            assertThat(n).isPositive();
            assertThat(source.count).isLessThanOrEqualTo(2L * SEGMENT);
            in.readNBytes(buffer, 0, 1024);
            assertThat(source.count).isLessThanOrEqualTo(3L * SEGMENT);
        }
    }

    @Test
    void doesNotOpenForAnotherOwnerDocumentOrVersion() throws Exception {
        byte[] ciphertext = seal(key, random(100_000), 2);

        DocumentKey otherOwner = Fixtures.sameKeyOtherRef(key, new DocumentRef(Fixtures.owner(), ref.documentId()));
        DocumentKey otherDocument = Fixtures.sameKeyOtherRef(key, new DocumentRef(owner, UUID.randomUUID()));

        assertThatThrownBy(() -> open(otherOwner, ciphertext, 2)).isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> open(otherDocument, ciphertext, 2)).isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> open(key, ciphertext, 1)).isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> open(key, ciphertext, 3)).isExactlyInstanceOf(SealBrokenException.class);
        assertThatThrownBy(() -> open(keyring.newDocumentKey(ref), ciphertext, 2))
                .isExactlyInstanceOf(SealBrokenException.class);
        assertThat(open(key, ciphertext, 2)).hasSize(100_000);
    }

    @Test
    void aFieldCiphertextDoesNotOpenAsContent() {
        byte[] field = key.sealField("title", "Avis d'imposition");
        assertThatThrownBy(() -> open(key, field, 0)).isExactlyInstanceOf(SealBrokenException.class);
    }

    @ParameterizedTest(name = "flip at {0}")
    @ValueSource(strings = {"0", "1", "39", "40", "100", "first-of-second", "middle-of-second", "first-of-last",
            "middle-of-last", "last-tag", "last-byte"})
    void aFlippedByteBreaksTheSealAndNothingOfItsSegmentComesOut(String where) throws IOException {
        byte[] plaintext = random(FIRST_PLAIN + 2 * NEXT_PLAIN + 5_000); // 4 segments
        byte[] ciphertext = seal(key, plaintext, 1);
        int lastSegmentStart = SEGMENT + 2 * SEGMENT;
        int position = switch (where) {
            case "first-of-second" -> SEGMENT;
            case "middle-of-second" -> SEGMENT + SEGMENT / 2;
            case "first-of-last" -> lastSegmentStart;
            case "middle-of-last" -> lastSegmentStart + 2_500;
            case "last-tag" -> ciphertext.length - TAG;
            case "last-byte" -> ciphertext.length - 1;
            default -> Integer.parseInt(where);
        };
        ciphertext[position] ^= 0x01;

        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        SealBrokenException broken = readUntilBroken(ciphertext, delivered);

        assertThat(broken).isNotNull();
        assertThat(broken.getMessage()).startsWith("document content did not open");
        int firstPlainByteOfTamperedSegment = plaintextStartOfSegmentAt(position);
        assertThat(delivered.size()).isLessThanOrEqualTo(firstPlainByteOfTamperedSegment);
        assertThat(delivered.toByteArray()).isEqualTo(Arrays.copyOf(plaintext, delivered.size()));
    }

    @Test
    void everySingleBitFlipBreaksTheSeal() throws Exception {
        Keyring small = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"), Keyring.MIN_SEGMENT_SIZE);
        DocumentKey smallKey = small.newDocumentKey(ref);
        byte[] plaintext = random(3 * Keyring.MIN_SEGMENT_SIZE);
        byte[] ciphertext = seal(smallKey, plaintext, 1);
        for (int position = 0; position < ciphertext.length; position++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] tampered = ciphertext.clone();
                tampered[position] ^= (byte) bit;
                int at = position;
                assertThatThrownBy(() -> open(smallKey, tampered, 1)).as("flip at %d", at)
                        .isExactlyInstanceOf(SealBrokenException.class);
            }
        }
    }

    @Test
    void truncatedExtendedOrReorderedCiphertextsDoNotOpen() throws IOException {
        byte[] ciphertext = seal(key, random(FIRST_PLAIN + 3 * NEXT_PLAIN + 10), 1);
        int third = 2 * SEGMENT;

        byte[] lastByteCut = Arrays.copyOf(ciphertext, ciphertext.length - 1);
        byte[] lastSegmentCut = Arrays.copyOf(ciphertext, third + SEGMENT); // ends on a segment boundary
        byte[] headerOnly = Arrays.copyOf(ciphertext, HEADER);
        byte[] extended = Arrays.copyOf(ciphertext, ciphertext.length + 1);
        byte[] swapped = ciphertext.clone();
        System.arraycopy(ciphertext, SEGMENT, swapped, third, SEGMENT);
        System.arraycopy(ciphertext, third, swapped, SEGMENT, SEGMENT);

        for (byte[] broken : new byte[][] {lastByteCut, lastSegmentCut, headerOnly, extended, swapped, new byte[0]}) {
            assertThatThrownBy(() -> open(key, broken, 1)).isExactlyInstanceOf(SealBrokenException.class);
        }
    }

    @Test
    void aBrokenStreamStaysBroken() throws IOException {
        byte[] ciphertext = seal(key, random(FIRST_PLAIN + 100), 1);
        ciphertext[ciphertext.length - 1] ^= 1;
        try (InputStream in = key.openingStream(new ByteArrayInputStream(ciphertext), 1)) {
            assertThat(in.readNBytes(FIRST_PLAIN)).hasSize(FIRST_PLAIN);
            assertThatThrownBy(in::read).isExactlyInstanceOf(SealBrokenException.class);
            assertThatThrownBy(in::read).isExactlyInstanceOf(SealBrokenException.class);
            assertThatThrownBy(() -> in.read(new byte[10])).isExactlyInstanceOf(SealBrokenException.class);
        }
    }

    @Test
    void theSourcesOwnFailuresPassThroughUnchanged() throws IOException {
        byte[] ciphertext = seal(key, random(3 * SEGMENT), 1);
        for (int failAt : new int[] {0, 10, HEADER + 5, SEGMENT + 7}) {
            IOException diskGone = new IOException("disk gone");
            InputStream source = new FailingStream(new ByteArrayInputStream(ciphertext), failAt, diskGone);
            assertThatThrownBy(() -> {
                try (InputStream in = key.openingStream(source, 1)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }).as("failing at %d", failAt).isSameAs(diskGone);
        }
    }

    @Test
    void refusesNegativeVersions() {
        assertThatThrownBy(() -> key.sealingStream(OutputStream.nullOutputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key.openingStream(InputStream.nullInputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSegmentSizeIsConfigurableAndKeptWithTheKey() throws Exception {
        Keyring bigSegments = Keyring.create(Fixtures.memoryMasterKey("civis-master-1"), 256 * 1024);
        CitizenKey citizenKey = bigSegments.openCitizenKey(owner, bigSegments.newCitizenKey(owner));
        DocumentKey documentKey = bigSegments.newDocumentKey(ref);
        byte[] ciphertext = seal(documentKey, random(300_000), 1);
        assertThat(ciphertext).hasSize(HEADER + 300_000 + 2 * TAG);

        byte[] sealedKey = bigSegments.sealDocumentKey(documentKey, citizenKey);
        assertThat(open(bigSegments.openDocumentKey(ref, sealedKey, citizenKey), ciphertext, 1)).hasSize(300_000);

        assertThatThrownBy(() -> Keyring.create(Fixtures.memoryMasterKey("m"), 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keyring.create(Fixtures.memoryMasterKey("m"), 64 * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SealBrokenException readUntilBroken(byte[] ciphertext, ByteArrayOutputStream delivered) {
        try (InputStream in = key.openingStream(new ByteArrayInputStream(ciphertext), 1)) {
            byte[] chunk = new byte[8192];
            for (int n = in.read(chunk); n != -1; n = in.read(chunk)) {
                delivered.write(chunk, 0, n);
            }
            return null;
        } catch (SealBrokenException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("not a SealBrokenException", e);
        }
    }

    /** How many segments Tink cuts {@code size} plaintext bytes into: a full last segment stays the last. */
    private static long segments(long size) {
        return size <= FIRST_PLAIN ? 1 : 1 + (size - FIRST_PLAIN + NEXT_PLAIN - 1) / NEXT_PLAIN;
    }

    /** Where the plaintext of the segment holding ciphertext byte {@code position} starts (the header counts as segment 0). */
    private static int plaintextStartOfSegmentAt(int position) {
        if (position < SEGMENT) {
            return 0;
        }
        int segment = position / SEGMENT;
        return FIRST_PLAIN + (segment - 1) * NEXT_PLAIN;
    }

    /** {@code size} pseudo-random bytes, made as they are read. */
    private static final class GeneratedStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        GeneratedStream(long size, long seed) {
            this.remaining = size;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt();
            }
            remaining -= n;
            return n;
        }
    }

    /** Counts what is read from it; supports no mark, like a network stream. */
    private static final class CountingStream extends InputStream {
        private final InputStream in;
        long count;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count += b == -1 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }

    /** Delivers {@code failAt} bytes, then throws {@code failure}. */
    private static final class FailingStream extends InputStream {
        private final InputStream in;
        private final IOException failure;
        private int left;

        FailingStream(InputStream in, int failAt, IOException failure) {
            this.in = in;
            this.left = failAt;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                throw failure;
            }
            left--;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                throw failure;
            }
            int n = in.read(b, off, Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }
    }
}
