package fr.civis.vault.document;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/**
 * Reads an image's headers as its bytes go by, before they are handed to the antivirus, and refuses two kinds of
 * picture (ADR 0012): one whose header declares more pixels than the limit (a "pixel bomb": a few hundred kilobytes of
 * compressed zeros that a decoder, clamd's included, would unfold into gigabytes), and a PNG carrying compressed text
 * (zTXt, or iTXt with its compression flag set), which clamd does not inflate and so cannot inspect.
 * <p>
 * Only the headers are read: dimensions come from PNG's IHDR, JPEG's SOF marker, WebP's first chunk (VP8, VP8L or
 * VP8X) and every HEIC image item's {@code ispe} property; pixel data is skipped, never decoded. An image whose
 * dimensions cannot be found where its format puts them is refused too: nothing is stored that was not checked.
 * The bytes arrive in pieces of any size, so each format is a small state machine fed by {@link #accept}.
 */
abstract class ImageInspector {

    /** For types that are not images (PDF): accepts everything. */
    private static final ImageInspector NONE = new ImageInspector(0) {
        {
            // Nothing to read: every byte goes by.
            stop();
        }

        @Override
        void onBytes(byte[] bytes) {
        }

        @Override
        void finish() {
        }
    };

    private final long maxPixels;
    private long skip;
    private byte[] wanted = new byte[0];
    private int have;
    private boolean done;

    private ImageInspector(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** The inspector for an accepted content type (see {@link ContentSniffer}). */
    static ImageInspector of(String contentType, long maxPixels) {
        return switch (contentType) {
            case "image/png" -> new Png(maxPixels);
            case "image/jpeg" -> new Jpeg(maxPixels);
            case "image/webp" -> new WebP(maxPixels);
            case "image/heic", "image/heif" -> new Heif(maxPixels);
            default -> NONE;
        };
    }

    /** The next bytes of the content; throws the refusal as soon as the headers read so far call for one. */
    final void accept(byte[] buffer, int offset, int length) {
        int position = offset;
        int end = offset + length;
        while (position < end && !done) {
            if (skip > 0) {
                int skipped = (int) Math.min(skip, end - position);
                skip -= skipped;
                position += skipped;
                continue;
            }
            int copied = Math.min(wanted.length - have, end - position);
            System.arraycopy(buffer, position, wanted, have, copied);
            have += copied;
            position += copied;
            if (have == wanted.length) {
                byte[] bytes = wanted;
                wanted = new byte[0];
                have = 0;
                onBytes(bytes);
            }
        }
    }

    /** Once the whole content went through {@link #accept}: refuses an image whose dimensions were never found. */
    abstract void finish();

    /** The bytes last asked for with {@link #read} have all arrived. */
    abstract void onBytes(byte[] bytes);

    /** Asks for the next {@code count} bytes, after any skipped ones. */
    final void read(int count) {
        wanted = new byte[count];
        have = 0;
    }

    /** Lets the next {@code count} bytes go by unread. */
    final void skip(long count) {
        if (count < 0) {
            throw unreadable();
        }
        skip += count;
    }

    /** Nothing more to read: the rest goes by. */
    final void stop() {
        done = true;
    }

    /** Refuses an image of {@code width} × {@code height} beyond the limit, before a single pixel is read. */
    final void checkDimensions(long width, long height) {
        if (width <= 0 || height <= 0) {
            throw unreadable();
        }
        if (width * height > maxPixels) {
            throw ProblemException.withValues(HttpStatus.UNPROCESSABLE_CONTENT, "image-too-many-pixels",
                    maxPixels / 1_000_000.0, width, height);
        }
    }

    static ProblemException unreadable() {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "image-unreadable");
    }

    static long uint32(byte[] bytes, int offset) {
        return ((long) (bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
    }

    static int uint16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    static int littleEndian(byte[] bytes, int offset, int count) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    static String fourCc(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.ISO_8859_1);
    }

    /**
     * PNG: the signature, then chunks (length, type, data, CRC). IHDR must come first and gives the size; zTXt and
     * compressed iTXt are refused wherever they are; reading ends at IEND.
     */
    private static final class Png extends ImageInspector {

        private enum State { SIGNATURE, CHUNK, DIMENSIONS, TEXT_HEADER }

        /** iTXt begins with a keyword of 1 to 79 bytes, its terminating zero, then the compression flag. */
        private static final int ITXT_HEAD = 81;

        private State state = State.SIGNATURE;
        private boolean sized;
        private long chunkLength;

        Png(long maxPixels) {
            super(maxPixels);
            read(8);
        }

        @Override
        void onBytes(byte[] bytes) {
            switch (state) {
                case SIGNATURE -> {
                    state = State.CHUNK;
                    read(8);
                }
                case CHUNK -> chunk(uint32(bytes, 0), fourCc(bytes, 4));
                case DIMENSIONS -> {
                    checkDimensions(uint32(bytes, 0), uint32(bytes, 4));
                    sized = true;
                    next(chunkLength - 8);
                }
                case TEXT_HEADER -> {
                    int zero = 0;
                    while (zero < bytes.length && bytes[zero] != 0) {
                        zero++;
                    }
                    if (zero + 1 >= bytes.length) {
                        throw unreadable();
                    }
                    if (bytes[zero + 1] != 0) {
                        throw compressedText();
                    }
                    next(chunkLength - bytes.length);
                }
            }
        }

        private void chunk(long length, String type) {
            chunkLength = length;
            if (!sized && !type.equals("IHDR")) {
                throw unreadable();
            }
            switch (type) {
                case "IHDR" -> {
                    if (sized || length < 8) {
                        throw unreadable();
                    }
                    state = State.DIMENSIONS;
                    read(8);
                }
                case "zTXt" -> throw compressedText();
                case "iTXt" -> {
                    if (length < 2) {
                        throw unreadable();
                    }
                    state = State.TEXT_HEADER;
                    read((int) Math.min(length, ITXT_HEAD));
                }
                case "IEND" -> stop();
                default -> next(length);
            }
        }

        /** Skips the rest of the chunk's data and its CRC, then reads the next chunk's header. */
        private void next(long remainingData) {
            skip(remainingData + 4);
            state = State.CHUNK;
            read(8);
        }

        @Override
        void finish() {
            if (!sized) {
                throw unreadable();
            }
        }

        private static ProblemException compressedText() {
            return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "image-compressed-text");
        }
    }

    /**
     * JPEG: markers from SOI on; the first frame header (SOF0 to SOF15, except DHT, JPG and DAC) gives the size and ends
     * the reading. Entropy-coded data only follows SOS, so a scan before any frame header means no size.
     */
    private static final class Jpeg extends ImageInspector {

        private enum State { SOI, MARKER, LENGTH, FRAME }

        private State state = State.SOI;
        private int marker;
        private boolean sized;

        Jpeg(long maxPixels) {
            super(maxPixels);
            read(2);
        }

        @Override
        void onBytes(byte[] bytes) {
            switch (state) {
                case SOI -> {
                    state = State.MARKER;
                    read(1);
                }
                case MARKER -> marker(bytes[0] & 0xff);
                case LENGTH -> {
                    int length = uint16(bytes, 0);
                    if (length < 2) {
                        throw unreadable();
                    }
                    if (isFrameHeader(marker)) {
                        if (length < 7) {
                            throw unreadable();
                        }
                        state = State.FRAME;
                        read(5);
                    } else {
                        skip(length - 2);
                        state = State.MARKER;
                        marker = 0;
                        read(1);
                    }
                }
                case FRAME -> {
                    // Precision, then height and width; a height of 0 (defined later by DNL) is no size at all.
                    checkDimensions(uint16(bytes, 3), uint16(bytes, 1));
                    sized = true;
                    stop();
                }
            }
        }

        /** Reads byte by byte: 0xFF, any fill bytes (0xFF again), then the marker code. */
        private void marker(int value) {
            read(1);
            if (marker == 0) {
                if (value != 0xff) {
                    throw unreadable();
                }
                marker = 0xff;
                return;
            }
            if (value == 0xff) {
                return;
            }
            marker = value;
            if (value == 0xd9 || value == 0xda) {
                // End of image, or a scan: there was no frame header before the pixel data.
                throw unreadable();
            }
            if (value == 0x01 || (value >= 0xd0 && value <= 0xd7)) {
                marker = 0;
                return;
            }
            state = State.LENGTH;
            read(2);
        }

        private static boolean isFrameHeader(int marker) {
            return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
        }

        @Override
        void finish() {
            if (!sized) {
                throw unreadable();
            }
        }
    }

    /** WebP: RIFF header, then the first chunk, whose kind says where the size is (VP8 lossy, VP8L lossless, VP8X). */
    private static final class WebP extends ImageInspector {

        private enum State { RIFF, CHUNK, VP8, VP8L, VP8X }

        private State state = State.RIFF;
        private boolean sized;

        WebP(long maxPixels) {
            super(maxPixels);
            read(12);
        }

        @Override
        void onBytes(byte[] bytes) {
            switch (state) {
                case RIFF -> {
                    state = State.CHUNK;
                    read(8);
                }
                case CHUNK -> {
                    switch (fourCc(bytes, 0)) {
                        case "VP8 " -> {
                            state = State.VP8;
                            read(10);
                        }
                        case "VP8L" -> {
                            state = State.VP8L;
                            read(5);
                        }
                        case "VP8X" -> {
                            state = State.VP8X;
                            read(10);
                        }
                        default -> throw unreadable();
                    }
                }
                // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (2 bits of scale above).
                case VP8 -> sized(littleEndian(bytes, 6, 2) & 0x3fff, littleEndian(bytes, 8, 2) & 0x3fff);
                // Signature 0x2F, then width - 1 and height - 1 on 14 bits each.
                case VP8L -> {
                    int bits = littleEndian(bytes, 1, 4);
                    sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
                }
                // Flags (4 bytes), then canvas width - 1 and height - 1 on 24 bits each.
                case VP8X -> sized(littleEndian(bytes, 4, 3) + 1L, littleEndian(bytes, 7, 3) + 1L);
            }
        }

        private void sized(long width, long height) {
            checkDimensions(width, height);
            sized = true;
            stop();
        }

        @Override
        void finish() {
            if (!sized) {
                throw unreadable();
            }
        }
    }

    /**
     * HEIC/HEIF (ISO base media file format): boxes of size and type. The walk enters only {@code meta} (a full box),
     * {@code iprp} and {@code ipco}, whose children follow their header, and skips every other box whole, so it needs
     * no stack. Every {@code ispe} (one per image item: the picture, its grid tiles, its thumbnail) is checked.
     */
    private static final class Heif extends ImageInspector {

        private enum State { HEADER, LARGE_SIZE, FULL_BOX, SPATIAL_EXTENTS }

        private State state = State.HEADER;
        private String type;
        /** What follows the width and height in the current {@code ispe} box. */
        private long rest;
        private boolean sized;

        Heif(long maxPixels) {
            super(maxPixels);
            read(8);
        }

        @Override
        void onBytes(byte[] bytes) {
            switch (state) {
                case HEADER -> {
                    type = fourCc(bytes, 4);
                    long size = uint32(bytes, 0);
                    if (size == 1) {
                        state = State.LARGE_SIZE;
                        read(8);
                    } else if (size == 0) {
                        // The box runs to the end of the file: nothing after it to read.
                        stop();
                    } else {
                        box(size - 8);
                    }
                }
                case LARGE_SIZE -> {
                    long size = (uint32(bytes, 0) << 32) | uint32(bytes, 4);
                    box(size - 16);
                }
                case FULL_BOX -> {
                    state = State.HEADER;
                    read(8);
                }
                case SPATIAL_EXTENTS -> {
                    // Version and flags, then image width and height.
                    checkDimensions(uint32(bytes, 4), uint32(bytes, 8));
                    sized = true;
                    skip(rest);
                    state = State.HEADER;
                    read(8);
                }
            }
        }

        /** {@code content}: the box's size without its header. */
        private void box(long content) {
            if (content < 0) {
                throw unreadable();
            }
            switch (type) {
                case "meta" -> {
                    state = State.FULL_BOX;
                    read(4);
                }
                case "iprp", "ipco" -> {
                    state = State.HEADER;
                    read(8);
                }
                case "ispe" -> {
                    if (content < 12) {
                        throw unreadable();
                    }
                    state = State.SPATIAL_EXTENTS;
                    read(12);
                    rest = content - 12;
                }
                default -> {
                    skip(content);
                    state = State.HEADER;
                    read(8);
                }
            }
        }

        @Override
        void finish() {
            if (!sized) {
                throw unreadable();
            }
        }
    }
}
