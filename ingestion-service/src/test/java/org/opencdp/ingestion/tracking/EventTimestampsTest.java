package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimestampsTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void shouldCorrectClockSkewWhenTimestampAndSentAtAreGiven() {
        // the device clock is 3 hours behind; the event happened 10 s before it was sent
        Instant timestamp = Instant.parse("2024-05-01T08:59:50Z");
        Instant sentAt = Instant.parse("2024-05-01T09:00:00Z");

        var time = EventTimestamps.resolve(timestamp, sentAt, RECEIVED_AT);

        assertThat(time.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:50Z"));
        assertThat(time.originalTimestamp()).isEqualTo(timestamp);
    }

    @Test
    void shouldCorrectAClockThatIsAhead() {
        Instant timestamp = Instant.parse("2024-05-02T12:00:00.250Z");
        Instant sentAt = Instant.parse("2024-05-02T12:00:01Z");

        var time = EventTimestamps.resolve(timestamp, sentAt, RECEIVED_AT);

        assertThat(time.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:59.250Z"));
    }

    @Test
    void shouldUseTheTimestampAsIsWhenNoSentAtIsGiven() {
        Instant timestamp = Instant.parse("2019-01-01T00:00:00Z");

        var time = EventTimestamps.resolve(timestamp, null, RECEIVED_AT);

        assertThat(time.timestamp()).isEqualTo(timestamp);
        assertThat(time.originalTimestamp()).isEqualTo(timestamp);
    }

    @Test
    void shouldUseReceivedAtWhenTheClientGaveNoTime() {
        var time = EventTimestamps.resolve(null, Instant.parse("2024-05-01T09:00:00Z"), RECEIVED_AT);

        assertThat(time.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(time.originalTimestamp()).isNull();
    }

    @Test
    void shouldRefuseACorrectionThatLeavesTheSupportedYears() {
        assertThatThrownBy(() -> EventTimestamps.resolve(Instant.parse("0002-01-01T00:00:00Z"),
                Instant.parse("9999-01-01T00:00:00Z"), RECEIVED_AT)).isInstanceOf(DateTimeException.class);
    }

    @Test
    void shouldParseIsoDateTimesWithOffsetsZuluAndNoZone() {
        assertThat(EventTimestamps.parse("2024-05-01T12:00:00.123+02:00"))
                .isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
        assertThat(EventTimestamps.parse("2024-05-01T10:00:00Z")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(EventTimestamps.parse("2024-05-01T10:00:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void shouldRefuseTextThatIsNotADateTime() {
        assertThatThrownBy(() -> EventTimestamps.parse("yesterday")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimestamps.parse("2024-05-01")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimestamps.parse("+20000-01-01T00:00:00Z")).isInstanceOf(DateTimeException.class);
    }
}
