package org.opencdp.profile.computed;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code within} window of a computed trait: an ISO-8601 duration of fixed length
 * ({@code P30D}, {@code PT12H}, {@code P2W}, {@code P1DT6H}). Months and years are refused: their
 * length depends on the calendar, so a sliding window of them would not slide evenly.
 */
final class Windows {

    static final Duration SHORTEST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofDays(36_500);
    private static final Pattern WEEKS = Pattern.compile("P(\\d{1,5})W");

    /** Thrown with a reason a caller can act on. */
    static final class InvalidWindowException extends RuntimeException {
        InvalidWindowException(String message) {
            super(message);
        }
    }

    static Duration parse(String within) {
        String text = within.trim().toUpperCase(Locale.ROOT);
        Duration duration;
        Matcher weeks = WEEKS.matcher(text);
        if (weeks.matches()) {
            duration = Duration.ofDays(7L * Long.parseLong(weeks.group(1)));
        } else if (text.matches("P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?") && (text.contains("Y") || text.contains("M"))) {
            throw new InvalidWindowException("'" + within + "' uses months or years, which have no fixed length; "
                    + "use days (P30D) or weeks (P4W).");
        } else {
            try {
                duration = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new InvalidWindowException("'" + within + "' is not an ISO-8601 duration such as P30D or PT12H.");
            }
        }
        if (duration.compareTo(SHORTEST) < 0 || duration.compareTo(LONGEST) > 0) {
            throw new InvalidWindowException("'" + within + "' must be from 1 second to 36500 days.");
        }
        return duration;
    }

    private Windows() {
    }
}
