package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

    private static final int LIMIT = 1_000;

    @Test
    void shouldReadAPlainBodyUpToTheLimit() throws IOException {
        byte[] body = "x".repeat(LIMIT).getBytes(StandardCharsets.UTF_8);

        assertThat(BoundedBody.read(new ByteArrayInputStream(body), null, body.length, LIMIT)).isEqualTo(body);
    }

    @Test
    void shouldRefuseAPlainBodyOverTheLimitEvenWithoutContentLength() {
        byte[] body = new byte[LIMIT + 1];

        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(body), "identity", -1, LIMIT))
                .isInstanceOf(BoundedBody.TooLarge.class);
        assertThatThrownBy(() -> BoundedBody.read(InputStream.nullInputStream(), null, LIMIT + 1, LIMIT))
                .isInstanceOf(BoundedBody.TooLarge.class);
    }

    @Test
    void shouldGunzipAGzipBody() throws IOException {
        byte[] json = "{\"userId\":\"u1\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(BoundedBody.read(new ByteArrayInputStream(gzip(json)), "gzip", -1, LIMIT)).isEqualTo(json);
    }

    @Test
    void shouldStopAGzipBombAtTheLimit() throws IOException {
        byte[] bomb = gzip(new byte[50_000_000]);
        assertThat(bomb.length).isLessThan(100_000);

        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(bomb), "gzip", bomb.length, 200_000))
                .isInstanceOf(BoundedBody.TooLarge.class);
    }

    @Test
    void shouldRefuseACompressedBodyOverTheLimit() throws IOException {
        byte[] random = new byte[LIMIT * 3];
        new java.util.Random(7).nextBytes(random);
        byte[] compressed = gzip(random);

        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(compressed), "gzip", -1, LIMIT))
                .isInstanceOf(BoundedBody.TooLarge.class);
    }

    @Test
    void shouldRefuseCorruptGzipAndOtherEncodings() {
        byte[] notGzip = "{\"userId\":\"u1\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(notGzip), "gzip", -1, LIMIT))
                .isInstanceOf(BoundedBody.CorruptBody.class);
        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(notGzip), "br", -1, LIMIT))
                .isInstanceOf(BoundedBody.UnsupportedEncoding.class);
    }

    @Test
    void shouldRefuseATruncatedGzipBody() throws IOException {
        byte[] compressed = gzip("{\"userId\":\"u1\",\"event\":\"something long enough\"}".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = java.util.Arrays.copyOf(compressed, compressed.length - 6);

        assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(truncated), "GZIP", -1, LIMIT))
                .isInstanceOf(BoundedBody.CorruptBody.class);
    }

    static byte[] gzip(byte[] data) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        }
        return out.toByteArray();
    }
}
