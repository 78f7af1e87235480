package org.opencdp.activation.network;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP date. */
final class RetryAfter {

    private static final long LONGEST_SECONDS = 7 * 24 * 3600;

    /** The delay it asks for from now; {@code null} when the value is neither form. Never negative. */
    static Duration parse(String value) {
        return parse(value, Clock.systemUTC());
    }

    static Duration parse(String value, Clock clock) {
        String text = value == null ? "" : value.strip();
        if (text.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Math.min(LONGEST_SECONDS, Long.parseLong(text)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration delay = Duration.between(clock.instant(), at.toInstant());
            return delay.isNegative() ? Duration.ZERO : delay;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private RetryAfter() {
    }
}
