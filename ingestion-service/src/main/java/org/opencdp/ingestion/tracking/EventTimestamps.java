package org.opencdp.ingestion.tracking;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
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
 */
final class EventTimestamps {

    /** Instants outside years 0001–9999 are refused: no store downstream could keep them. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** The event time and the client's own, uncorrected timestamp (null when it sent none). */
    record EventTime(Instant timestamp, Instant originalTimestamp) {
    }

    /** Resolves the event time; throws {@link DateTimeException} when the result is out of range. */
    static EventTime resolve(Instant clientTimestamp, Instant sentAt, Instant receivedAt) {
        if (clientTimestamp == null) {
            return new EventTime(receivedAt, null);
        }
        if (sentAt == null) {
            return new EventTime(clientTimestamp, clientTimestamp);
        }
        Instant corrected = receivedAt.minus(Duration.between(clientTimestamp, sentAt));
        return new EventTime(inRange(corrected), clientTimestamp);
    }

    /**
     * Parses an ISO-8601 date-time: with an offset or {@code Z} ({@code 2024-05-01T10:00:00.123+02:00}),
     * or without one, taken as UTC. Throws {@link DateTimeException} otherwise.
     */
    static Instant parse(String text) {
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.strip());
        Instant instant = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                ? Instant.from(parsed)
                : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        return inRange(instant);
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
