package org.opencdp.kit.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.problem.CdpException;

/** The one paging cursor (issue 14), used by profile events, segment members and destination deliveries. */
class PageCursorTest {

    @Test
    void shouldDecodeWhatItEncodedWhateverTheKeysHold() {
        String cursor = PageCursor.encode("2025-03-01T10:00:00.123456Z", "msg|with:\"odd\"/chars");

        assertThat(PageCursor.after(cursor, 2, keys -> keys))
                .contains(List.of("2025-03-01T10:00:00.123456Z", "msg|with:\"odd\"/chars"));
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void shouldStartAtTheFirstPageWithoutACursor() {
        assertThat(PageCursor.after(null, 1, keys -> keys)).isEmpty();
        assertThat(PageCursor.after("  ", 1, keys -> keys)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"***", "garbage", "bm9uc2Vuc2U", "WyJhIl0", "WzFd", "eyJhIjoxfQ"})
    void shouldRefuseACursorItDidNotIssue(String cursor) {
        // WyJhIl0 is ["a"] (one key where two are expected), WzFd is [1], eyJhIjoxfQ is {"a":1}
        assertThatThrownBy(() -> PageCursor.after(cursor, 2, keys -> keys)).isInstanceOfSatisfying(
                CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
    }

    @Test
    void shouldRefuseKeysThePositionCannotRead() {
        String cursor = PageCursor.encode("yesterday", "not-a-uuid");

        assertThatThrownBy(() -> PageCursor.after(cursor, 2,
                keys -> List.of(Instant.parse(keys.get(0)), UUID.fromString(keys.get(1)))))
                .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
        String base64OfText = Base64.getUrlEncoder().encodeToString("yesterday|m1".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PageCursor.after(base64OfText, 2, keys -> keys)).isInstanceOf(CdpException.class);
    }
}
