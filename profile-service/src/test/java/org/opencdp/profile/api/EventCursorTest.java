package org.opencdp.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.profile.events.EventPosition;

class EventCursorTest {

    @Test
    void shouldDecodeWhatItEncodedEvenWithTheSeparatorInTheMessageId() {
        var position = new EventPosition(Instant.parse("2025-03-01T10:00:00.123456Z"), "msg|with|bars");

        assertThat(EventCursor.decode(EventCursor.encode(position))).isEqualTo(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "***", "bm9uc2Vuc2U", "MjAyNS0wMy0wMVQxMDowMDowMFp8"})
    void shouldRefuseACursorItDidNotIssue(String cursor) {
        assertThatThrownBy(() -> EventCursor.decode(cursor)).isInstanceOfSatisfying(CdpException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
    }

    @Test
    void shouldRefuseACursorWithAnUnreadableTime() {
        String cursor = Base64.getUrlEncoder().encodeToString("yesterday|m1".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> EventCursor.decode(cursor)).isInstanceOf(CdpException.class);
    }
}
