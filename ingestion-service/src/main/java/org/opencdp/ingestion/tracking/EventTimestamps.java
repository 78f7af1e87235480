package org.opencdp.ingestion.tracking;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Event time as Segment computes it. A device's clock may be wrong, but the gap between when it
 * says the event happened and when it says it sent the event is right; so when the client gives
 * both, the event time is {@code receivedAt - (sentAt - clientTimestamp)}, and the client's own
 * value is kept as {@code originalTimestamp}. With only a client timestamp (a server-side library
 * importing history) it is used as is; with none, the event happened when it arrived.
 *
 * <p>The client's timestamp is {@code timestamp}, or {@code originalTimestamp} when only that is
 * sent (RudderStack's SDKs send {@code originalTimestamp} and {@code sentAt}).
 *
 * <p>A client cannot rewrite history (issue 10): an event time later than {@code receivedAt} plus a
 * tolerance ({@code cdp.ingestion.future-event-time-tolerance}) would win every "newest by event
 * time" comparison downstream for good, so it is set to {@code receivedAt}, and the time it replaced
 * is kept in {@link EventTime#adjustedFrom()} for the event to record.
 */
final class EventTimestamps {

    /** Instants outside years 0001–9999 are refused: no store downstream could keep them. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** The length of {@code 2024-05-01T10:00:00Z}. */
    private static final int UTC_FORM_LENGTH = 20;
    /** Nanoseconds of one unit of the last digit, by the number of fraction digits ({@code .5} is 500,000,000 ns). */
    private static final int[] NANOS_PER_FRACTION_DIGIT =
            {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    /**
     * The event time, the client's own, uncorrected timestamp (null when it sent none), and the
     * (clock-skew corrected) time that was too far in the future and replaced by {@code receivedAt}
     * (null when the time was kept).
     */
    record EventTime(Instant timestamp, Instant originalTimestamp, Instant adjustedFrom) {

        EventTime(Instant timestamp, Instant originalTimestamp) {
            this(timestamp, originalTimestamp, null);
        }
    }

    /**
     * Resolves the event time, setting one later than {@code receivedAt + futureTolerance} to {@code
     * receivedAt}; throws {@link DateTimeException} when the result is before the year 0001.
     */
    static EventTime resolve(Instant clientTimestamp, Instant sentAt, Instant receivedAt, Duration futureTolerance) {
        if (clientTimestamp == null) {
            return new EventTime(receivedAt, null);
        }
        Instant resolved = sentAt == null ? clientTimestamp
                : receivedAt.minus(Duration.between(clientTimestamp, sentAt));
        if (resolved.isAfter(receivedAt.plus(futureTolerance))) {
            return new EventTime(receivedAt, clientTimestamp, resolved);
        }
        return new EventTime(inRange(resolved), clientTimestamp);
    }

    /**
     * Parses an ISO-8601 date-time: with an offset or {@code Z} ({@code 2024-05-01T10:00:00.123+02:00}),
     * or without one, taken as UTC. Throws {@link DateTimeException} otherwise.
     *
     * <p>Nearly every SDK sends the UTC form {@code 2024-05-01T10:00:00.123Z} (JavaScript's {@code
     * toISOString}, Java's {@code Instant.toString}), which is read without a {@link DateTimeFormatter}
     * (several times faster); anything else goes to the formatter, which decides.
     */
    static Instant parse(String text) {
        String stripped = text.strip();
        Instant utc = parseUtc(stripped);
        return inRange(utc != null ? utc : parseWithFormatter(stripped));
    }

    /** Any form {@link DateTimeFormatter#ISO_DATE_TIME} reads; without an offset the time is taken as UTC. */
    static Instant parseWithFormatter(String text) {
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text);
        return parsed.isSupported(ChronoField.OFFSET_SECONDS)
                ? Instant.from(parsed)
                : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
    }

    /**
     * {@code uuuu-MM-ddTHH:mm:ss[.f]Z} with 1 to 9 fraction digits, every field in range; null for
     * anything else (other forms, lower-case letters, 24:00, leap seconds, February 30th…), which the
     * formatter then reads or refuses.
     */
    private static Instant parseUtc(String text) {
        int length = text.length();
        int fractionDigits = length - UTC_FORM_LENGTH - 1;
        boolean shaped = length == UTC_FORM_LENGTH
                || fractionDigits >= 1 && fractionDigits <= 9 && text.charAt(19) == '.';
        if (!shaped || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = fractionDigits > 0 ? digits(text, 20, length - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return null;
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second;
        int nanos = fractionDigits > 0 ? fraction * NANOS_PER_FRACTION_DIGIT[fractionDigits] : 0;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The decimal number in {@code text[from, to)}; -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Instant inRange(Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new DateTimeException("outside the years 0001 to 9999");
        }
        return instant;
    }

    private EventTimestamps() {
    }
}
