package fr.civis.vault.document;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578, RFC 2046 §5.1) part by part as it arrives, without spooling
 * anything to disk: each part's content is a stream that ends at the next boundary. The boundary is found with
 * Boyer–Moore–Horspool, which looks at about one byte in forty of a document instead of every byte (a per-byte
 * search cost the vault a third of its upload CPU: docs/benchmarks.md).
 *
 * <p>Not thread-safe; one reader per request. Malformed bodies throw {@link MalformedMultipartException}.
 */
final class MultipartReader {

    /** RFC 2046: 1 to 70 characters from a restricted set (bchars), not ending with a space. */
    private static final Pattern BOUNDARY = Pattern.compile("[0-9A-Za-z'()+_,\\-./:=? ]{0,69}[0-9A-Za-z'()+_,\\-./:=?]");
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    /** A body that is not what its {@code Content-Type} says. */
    static final class MalformedMultipartException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedMultipartException(String message) {
            super(message);
        }
    }

    /**
     * One part: its form field name, the file name the client gave (absent for a plain field), and its content,
     * readable until the next boundary. Reading the next part skips what is left of this one.
     */
    record Part(String name, Optional<String> filename, InputStream content) {

        boolean isFile() {
            return filename.isPresent();
        }
    }

    private final InputStream body;
    private final int maxHeaderBytes;
    /** {@code CRLF "--" boundary}: what ends every part's content. */
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buffer;
    private int head;
    private int tail;
    private boolean inputEnded;
    private boolean finished;
    private PartContent current;

    /**
     * @param contentType    the request's {@code Content-Type}, which names the boundary
     * @param maxHeaderBytes the most a part's header block may take
     */
    MultipartReader(InputStream body, String contentType, int maxHeaderBytes) throws MalformedMultipartException {
        this.body = body;
        this.maxHeaderBytes = maxHeaderBytes;
        byte[] boundary = boundaryOf(contentType).getBytes(StandardCharsets.US_ASCII);
        this.delimiter = new byte[boundary.length + 4];
        delimiter[0] = '\r';
        delimiter[1] = '\n';
        delimiter[2] = '-';
        delimiter[3] = '-';
        System.arraycopy(boundary, 0, delimiter, 4, boundary.length);
        Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        this.buffer = new byte[Math.max(BUFFER_SIZE, 2 * (delimiter.length + maxHeaderBytes))];
        // The first boundary may open the body without a line break before it: lend it one.
        buffer[0] = '\r';
        buffer[1] = '\n';
        tail = 2;
    }

    static String boundaryOf(String contentType) throws MalformedMultipartException {
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new MalformedMultipartException("not multipart/form-data");
        }
        List<String> parameters = splitParameters(contentType);
        for (String parameter : parameters.subList(1, parameters.size())) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).strip().equalsIgnoreCase("boundary")) {
                String boundary = unquote(parameter.substring(equals + 1).strip());
                if (BOUNDARY.matcher(boundary).matches()) {
                    return boundary;
                }
                throw new MalformedMultipartException("invalid boundary");
            }
        }
        throw new MalformedMultipartException("no boundary");
    }

    /** The next part, or empty after the closing boundary. */
    Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        if (current != null) {
            current.skipRest();
        } else {
            skipPreamble();
        }
        // At a delimiter: "--" closes the body; otherwise optional padding, CRLF, then the part's headers.
        head += delimiter.length;
        ensure(2);
        if (buffer[head] == '-' && buffer[head + 1] == '-') {
            finished = true;
            return Optional.empty();
        }
        while (true) {
            ensure(1);
            if (buffer[head] != ' ' && buffer[head] != '\t') {
                break;
            }
            head++;
        }
        ensure(2);
        if (buffer[head] != '\r' || buffer[head + 1] != '\n') {
            throw new MalformedMultipartException("no line break after a boundary");
        }
        return Optional.of(parseHeaders(readHeaderBlock()));
    }

    private void skipPreamble() throws IOException {
        new PartContent().skipRest();
    }

    /**
     * The header lines of a part, from the line break that ends its boundary line to the empty line (both
     * excluded), which it consumes.
     */
    private String readHeaderBlock() throws IOException {
        while (true) {
            int end = indexOf(HEADERS_END, head, tail);
            if (end >= 0) {
                String block = end == head ? "" : new String(buffer, head + 2, end - head - 2, StandardCharsets.UTF_8);
                head = end + HEADERS_END.length;
                return block;
            }
            if (tail - head > maxHeaderBytes + HEADERS_END.length) {
                throw new MalformedMultipartException("part headers too large");
            }
            if (!fill()) {
                throw new MalformedMultipartException("body ends inside part headers");
            }
        }
    }

    private Part parseHeaders(String block) throws MalformedMultipartException {
        String name = null;
        String filename = null;
        for (String line : block.isEmpty() ? new String[0] : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed part header");
            }
            if (!line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                continue;
            }
            var parameters = splitParameters(line.substring(colon + 1));
            if (!parameters.getFirst().strip().equalsIgnoreCase("form-data")) {
                throw new MalformedMultipartException("part is not form-data");
            }
            for (String parameter : parameters.subList(1, parameters.size())) {
                int equals = parameter.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String key = parameter.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                String value = unquote(parameter.substring(equals + 1).strip());
                if (key.equals("name")) {
                    name = value;
                } else if (key.equals("filename")) {
                    filename = value;
                }
            }
        }
        if (name == null) {
            throw new MalformedMultipartException("part without a name");
        }
        current = new PartContent();
        return new Part(name, Optional.ofNullable(filename), current);
    }

    /** Splits on semicolons that are not inside a quoted string. */
    private static List<String> splitParameters(String header) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /**
     * A quoted value's content; a token as it is. Backslashes are kept as sent: browsers escape a quote in a file
     * name as {@code %22} (WHATWG), never with a backslash, and a Windows path such as {@code ..\\x.pdf} must reach
     * the file-name check intact to be refused.
     */
    private static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        return value.substring(1, value.length() - 1);
    }

    /** Makes at least {@code n} bytes available from {@code head}, or fails: the body ended too early. */
    private void ensure(int n) throws IOException {
        while (tail - head < n) {
            if (!fill()) {
                throw new MalformedMultipartException("body ends too early");
            }
        }
    }

    /** Moves the unread bytes to the front and reads more; false once the body has ended. */
    private boolean fill() throws IOException {
        if (inputEnded) {
            return false;
        }
        if (head > 0) {
            System.arraycopy(buffer, head, buffer, 0, tail - head);
            tail -= head;
            head = 0;
        }
        int read = body.read(buffer, tail, buffer.length - tail);
        if (read < 0) {
            inputEnded = true;
            return false;
        }
        tail += read;
        return true;
    }

    /** Boyer–Moore–Horspool search for the delimiter in {@code buffer[from, to)}; -1 when absent. */
    private int findDelimiter(int from, int to) {
        int last = delimiter.length - 1;
        for (int i = from; i <= to - delimiter.length; i += skip[buffer[i + last] & 0xff]) {
            int j = last;
            while (j >= 0 && buffer[i + j] == delimiter[j]) {
                j--;
            }
            if (j < 0) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte[] pattern, int from, int to) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buffer[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The content of one part: the bytes up to the next delimiter, which it leaves at {@code head}. */
    private final class PartContent extends InputStream {

        /** Where the delimiter starts in the buffer, once seen; -1 before. */
        private int end = -1;
        /** Bytes of the buffer before this index were searched and hold no delimiter start. */
        private int searched = head;
        /** Set once the reader has moved past this part. */
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, target.length);
            if (done) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int available = readable();
            while (available == 0) {
                if (end == head) {
                    return -1;
                }
                // Everything searched was read: only bytes that could start a delimiter remain.
                if (!fill()) {
                    throw new MalformedMultipartException("body ends before the closing boundary");
                }
                searched = head;
                available = readable();
            }
            int count = Math.min(length, available);
            System.arraycopy(buffer, head, target, offset, count);
            head += count;
            return count;
        }

        /** Bytes readable now without reaching the delimiter, nor a place where it could still begin. */
        private int readable() {
            if (end < 0) {
                end = findDelimiter(Math.max(head, searched), tail);
                if (end < 0) {
                    // The last bytes may be the start of a delimiter cut by the buffer's end: keep them back.
                    searched = Math.max(head, tail - delimiter.length + 1);
                    return searched - head;
                }
            }
            return end - head;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // Discarded: what the caller did not read of this part.
            }
            done = true;
        }

        @Override
        public void close() {
            // The reader skips what is left when it moves to the next part.
        }
    }
}
