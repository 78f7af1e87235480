package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EventTimestampsTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void shouldCorrectClockSkewWhenTimestampAndSentAtAreGiven() {
        // the device clock is 3 hours behind; the event happened 10 s before it was sent
        Instant timestamp = Instant.parse("2024-05-01T08:59:50Z");
        Instant sentAt = Instant.parse("2024-05-01T09:00:00Z");

        var time = EventTimestamps.resolve(timestamp, sentAt, RECEIVED_AT, TOLERANCE);

        assertThat(time.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:50Z"));
        assertThat(time.originalTimestamp()).isEqualTo(timestamp);
    }

    @Test
    void shouldCorrectAClockThatIsAhead() {
        Instant timestamp = Instant.parse("2024-05-02T12:00:00.250Z");
        Instant sentAt = Instant.parse("2024-05-02T12:00:01Z");

        var time = EventTimestamps.resolve(timestamp, sentAt, RECEIVED_AT, TOLERANCE);

        assertThat(time.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:59.250Z"));
    }

    @Test
    void shouldUseTheTimestampAsIsWhenNoSentAtIsGiven() {
        Instant timestamp = Instant.parse("2019-01-01T00:00:00Z");

        var time = EventTimestamps.resolve(timestamp, null, RECEIVED_AT, TOLERANCE);

        assertThat(time.timestamp()).isEqualTo(timestamp);
        assertThat(time.originalTimestamp()).isEqualTo(timestamp);
    }

    @Test
    void shouldUseReceivedAtWhenTheClientGaveNoTime() {
        var time = EventTimestamps.resolve(null, Instant.parse("2024-05-01T09:00:00Z"), RECEIVED_AT, TOLERANCE);

        assertThat(time.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(time.originalTimestamp()).isNull();
    }

    @Test
    void shouldSetAnEventTimeInTheFarFutureToTheReceivedTimeAndKeepWhatItReplaced() { // issue 10
        Instant year9999 = Instant.parse("9999-12-31T23:59:59Z");

        var withoutSentAt = EventTimestamps.resolve(year9999, null, RECEIVED_AT, TOLERANCE);
        var corrected = EventTimestamps.resolve(year9999, Instant.parse("2024-05-01T11:00:00Z"), RECEIVED_AT,
                TOLERANCE);

        assertThat(withoutSentAt.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(withoutSentAt.adjustedFrom()).isEqualTo(year9999);
        assertThat(withoutSentAt.originalTimestamp()).isEqualTo(year9999);
        // corrected for skew it lies past the year 9999: still the received time, not a refusal
        assertThat(corrected.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(corrected.adjustedFrom()).isAfter(year9999);
    }

    @Test
    void shouldKeepAnEventTimeWithinTheToleranceUntouched() {
        Instant soon = RECEIVED_AT.plus(TOLERANCE);
        Instant tooLate = soon.plusMillis(1);

        assertThat(EventTimestamps.resolve(soon, null, RECEIVED_AT, TOLERANCE))
                .isEqualTo(new EventTimestamps.EventTime(soon, soon, null));
        assertThat(EventTimestamps.resolve(tooLate, null, RECEIVED_AT, TOLERANCE))
                .isEqualTo(new EventTimestamps.EventTime(RECEIVED_AT, tooLate, tooLate));
        // a device clock that is a day ahead is corrected, not clamped
        assertThat(EventTimestamps.resolve(RECEIVED_AT.plus(Duration.ofDays(1)),
                RECEIVED_AT.plus(Duration.ofDays(1)).plusSeconds(3), RECEIVED_AT, TOLERANCE).adjustedFrom()).isNull();
    }

    @Test
    void shouldRefuseACorrectionThatLeavesTheSupportedYears() {
        assertThatThrownBy(() -> EventTimestamps.resolve(Instant.parse("0002-01-01T00:00:00Z"),
                Instant.parse("9999-01-01T00:00:00Z"), RECEIVED_AT, TOLERANCE)).isInstanceOf(DateTimeException.class);
    }

    @Test
    void shouldParseIsoDateTimesWithOffsetsZuluAndNoZone() {
        assertThat(EventTimestamps.parse("2024-05-01T12:00:00.123+02:00"))
                .isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
        assertThat(EventTimestamps.parse("2024-05-01T10:00:00Z")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(EventTimestamps.parse("2024-05-01T10:00:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void shouldReadTheUtcFormAsTheFormatterDoes() {
        var random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(EventTimestamps.EARLIEST.getEpochSecond(),
                    EventTimestamps.LATEST.getEpochSecond()), random.nextInt(1_000_000_000));
            String text = instant.toString();
            String withFraction = text.substring(0, 19) + "." + String.format("%09d", instant.getNano())
                    .substring(0, 1 + random.nextInt(9)) + "Z";

            assertThat(EventTimestamps.parse(text)).as(text).isEqualTo(instant);
            assertThat(EventTimestamps.parse(withFraction)).as(withFraction)
                    .isEqualTo(EventTimestamps.parseWithFormatter(withFraction));
        }
    }

    @Test
    void shouldDecideEveryEdgeCaseAsTheFormatterDoes() {
        List<String> texts = List.of("2024-02-29T23:59:59.999999999Z", "2023-02-29T10:00:00Z", "2024-04-31T10:00:00Z",
                "2024-13-01T10:00:00Z", "2024-00-01T10:00:00Z", "2024-05-00T10:00:00Z", "2024-05-01T24:00:00Z",
                "2024-05-01T23:60:00Z", "2024-05-01T23:59:60Z", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00.1234567891Z",
                "2024-05-01t10:00:00z", "2024-05-01T10:00:00.1z", "2024-05-01 10:00:00Z", "2024-05-01T10:00Z",
                "2024-05-01T10:00:00,5Z", "2024-5-01T10:00:00Z", "2024-05-01T10:00:00+00:00", "2024-05-01T10:00:00.5-02:30",
                "2024-05-01T10:00:00Z[UTC]", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "+2024-05-01T10:00:00Z", "٢٠٢٤-05-01T10:00:00Z", "2024-05-01T1a:00:00Z", " 2024-05-01T10:00:00.250Z\n",
                "2024-05-01T10:00:00.000000001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.9Z");
        for (String text : texts) {
            assertThat(outcome(() -> EventTimestamps.parse(text))).as(text)
                    .isEqualTo(outcome(() -> formatterOracle(text)));
        }
    }

    /** What parse did before the UTC fast path: the formatter, then the range check. */
    private static Instant formatterOracle(String text) {
        Instant instant = EventTimestamps.parseWithFormatter(text.strip());
        if (instant.isBefore(EventTimestamps.EARLIEST) || instant.isAfter(EventTimestamps.LATEST)) {
            throw new DateTimeException("out of range");
        }
        return instant;
    }

    private static String outcome(Supplier<Instant> parse) {
        try {
            return parse.get().toString();
        } catch (DateTimeException e) {
            return "refused";
        }
    }

    @Test
    void shouldRefuseTextThatIsNotADateTime() {
        assertThatThrownBy(() -> EventTimestamps.parse("yesterday")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimestamps.parse("2024-05-01")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimestamps.parse("+20000-01-01T00:00:00Z")).isInstanceOf(DateTimeException.class);
    }
}
