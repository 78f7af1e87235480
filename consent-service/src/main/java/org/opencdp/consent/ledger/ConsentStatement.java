package org.opencdp.consent.ledger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One statement to record: a purpose granted or denied at a time, by a source.
 *
 * @param source who stated it: {@code api}, {@code event:<sourceId>}, or what an API caller named
 * @param jurisdiction where it was stated (upper-case code), if known
 * @param occurredAt when the person stated it (event time: the latest statement wins), rounded to
 *     the microsecond as PostgreSQL stores it, so the ledger compares times in memory exactly as
 *     the database would
 * @param eventMessageId the resolved event it came from, if any
 * @param eventId the Segment {@code messageId} of the event it came from, if any: an event's
 *     statement about a purpose is recorded once, under however many resolved messages it arrives
 */
public record ConsentStatement(String purpose, boolean granted, String source, LegalBasis legalBasis,
                               String jurisdiction, Instant occurredAt, UUID eventMessageId, String eventId) {

    public ConsentStatement {
        occurredAt = occurredAt == null ? null : toMicros(occurredAt);
    }

    /** A statement made through the API (no event behind it). */
    public static ConsentStatement stated(String purpose, boolean granted, String source, LegalBasis legalBasis,
                                          String jurisdiction, Instant occurredAt) {
        return new ConsentStatement(purpose, granted, source, legalBasis, jurisdiction, occurredAt, null, null);
    }

    /** Rounds half up to the microsecond, as PgJDBC does when it sends a timestamp. */
    private static Instant toMicros(Instant time) {
        long micros = (time.getNano() + 500L) / 1000L;
        return time.truncatedTo(ChronoUnit.SECONDS).plusNanos(micros * 1000L);
    }
}
