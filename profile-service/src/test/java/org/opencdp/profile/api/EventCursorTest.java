package org.opencdp.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencdp.kit.paging.PageCursor;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.profile.events.EventPosition;

class EventCursorTest {

    @Test
    void shouldDecodeWhatItEncodedEvenWithTheSeparatorInTheMessageId() {
        var position = new EventPosition(Instant.parse("2025-03-01T10:00:00.123456Z"), "msg|with|bars");

        assertThat(EventCursor.after(EventCursor.encode(position))).contains(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"***", "bm9uc2Vuc2U", "MjAyNS0wMy0wMVQxMDowMDowMFp8"})
    void shouldRefuseACursorItDidNotIssue(String cursor) {
        assertThatThrownBy(() -> EventCursor.after(cursor)).isInstanceOfSatisfying(CdpException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
    }

    @Test
    void shouldStartAtTheNewestEventWithoutACursor() {
        assertThat(EventCursor.after(null)).isEmpty();
        assertThat(EventCursor.after("")).isEmpty();
    }

    @Test
    void shouldRefuseACursorWithAnUnreadableTime() {
        String cursor = PageCursor.encode("yesterday", "m1");

        assertThatThrownBy(() -> EventCursor.after(cursor)).isInstanceOf(CdpException.class);
    }
}
