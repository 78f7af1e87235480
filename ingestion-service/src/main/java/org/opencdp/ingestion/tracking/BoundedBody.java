package org.opencdp.ingestion.tracking;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body, gunzipping it when it is gzip-encoded, and never holds more than {@code
 * limit} bytes: neither the compressed nor the decompressed body may exceed it, so a gzip bomb
 * stops after {@code limit} bytes of output with {@link TooLarge}, not with an out-of-memory error.
 */
final class BoundedBody {

    /** The body (compressed or not) is larger than the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("body too large");
        }
    }

    /** A {@code Content-Encoding} other than gzip or identity. */
    static final class UnsupportedEncoding extends IOException {
        UnsupportedEncoding(String encoding) {
            super("unsupported content encoding " + encoding);
        }
    }

    /** A body that claims to be gzip but is not, or is cut short. */
    static final class CorruptBody extends IOException {
        CorruptBody(IOException cause) {
            super("corrupt gzip body", cause);
        }
    }

    static byte[] read(InputStream raw, String contentEncoding, long declaredLength, int limit) throws IOException {
        if (declaredLength > limit) {
            throw new TooLarge();
        }
        String coding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        return switch (coding) {
            case "", "identity" -> capped(raw, limit);
            case "gzip", "x-gzip" -> gunzip(raw, limit);
            default -> throw new UnsupportedEncoding(coding);
        };
    }

    private static byte[] gunzip(InputStream raw, int limit) throws IOException {
        try (InputStream body = new GZIPInputStream(new Limited(raw, limit), 8192)) {
            return capped(body, limit);
        } catch (ZipException | EOFException e) {
            throw new CorruptBody(e);
        }
    }

    private static byte[] capped(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new TooLarge();
        }
        return bytes;
    }

    /** Fails with {@link TooLarge} once more than {@code limit} bytes were read. */
    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long count;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public void close() {
            // the container owns the request stream
        }

        private void counted(int n) throws TooLarge {
            count += n;
            if (count > limit) {
                throw new TooLarge();
            }
        }
    }

    private BoundedBody() {
    }
}
