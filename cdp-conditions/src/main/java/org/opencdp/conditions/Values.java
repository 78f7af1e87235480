package org.opencdp.conditions;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * How an actual value compares with a condition value. The <em>condition</em> value's type picks
 * the comparison, and anything else is a type mismatch (an empty result, which every operator reads
 * as false):
 * <ul>
 *   <li>a number compares numerically, exactly, with a number, or with a string that holds a
 *       JSON-style number ({@link #NUMBER}: {@code "42"}, {@code "-3.5"}, {@code "1e3"}; no spaces,
 *       no {@code +}, at most {@value #MAX_NUMBER_LENGTH} characters), since SDKs often send numbers
 *       as strings; {@code 1} equals {@code 1.0};</li>
 *   <li>a string that is an ISO-8601 time ({@link #TIME}) compares as an instant with a string that is
 *       one too, to the microsecond (finer digits are dropped);</li>
 *   <li>any other string compares with a string by Unicode code point (PostgreSQL's {@code COLLATE
 *       "C"}), case-sensitively;</li>
 *   <li>a boolean compares with a boolean ({@code false < true}).</li>
 * </ul>
 * The regular expressions are written in the syntax Java and PostgreSQL share, so {@link LeafSql}
 * recognises exactly the same numbers and times.
 */
public final class Values {

    /** A JSON-style number held in a string. */
    public static final String NUMBER = "-{0,1}(0|[1-9][0-9]*)([.][0-9]+){0,1}([eE][+-]{0,1}[0-9]{1,4}){0,1}";
    /** The longest string read as a number. */
    public static final int MAX_NUMBER_LENGTH = 100;

    private static final String YEAR = "([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)";
    private static final String LEAP_YEAR = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)";
    private static final String DATE = "(" + YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
            + "|" + YEAR + "-(0[13-9]|1[0-2])-(29|30)"
            + "|" + YEAR + "-(0[13578]|1[02])-31"
            + "|" + LEAP_YEAR + "-02-29)";
    /**
     * An ISO-8601 time: a date {@code YYYY-MM-DD} (midnight UTC), or a date and time with an offset,
     * {@code YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)}. Years 0001 to 9999, real calendar dates,
     * hours 00 to 23, offsets up to ±14:59, 1 to 9 fraction digits, capital {@code T} and {@code Z}.
     */
    public static final String TIME = DATE + "(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,9}){0,1}){0,1}"
            + "(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])){0,1}";

    private static final Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);
    private static final Pattern TIME_PATTERN = Pattern.compile(TIME);
    private static final Pattern TIME_PARTS = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})(T([0-9]{2}):([0-9]{2})(:([0-9]{2})(\\.([0-9]{1,9}))?)?(Z|([+-])([0-9]{2}):([0-9]{2})))?");

    /** Compares {@code actual} with {@code value}: negative, zero or positive; empty when they do not compare. */
    public static OptionalInt compare(JsonNode actual, JsonNode value) {
        if (actual == null || value == null) {
            return OptionalInt.empty();
        }
        if (value.isNumber()) {
            Optional<BigDecimal> left = number(actual);
            Optional<BigDecimal> right = decimal(value);
            return left.isPresent() && right.isPresent()
                    ? OptionalInt.of(left.get().compareTo(right.get())) : OptionalInt.empty();
        }
        if (value.isString()) {
            if (!actual.isString()) {
                return OptionalInt.empty();
            }
            Optional<Instant> time = instant(value.stringValue());
            if (time.isPresent()) {
                return instant(actual.stringValue()).map(t -> OptionalInt.of(t.compareTo(time.get())))
                        .orElse(OptionalInt.empty());
            }
            return OptionalInt.of(compareCodePoints(actual.stringValue(), value.stringValue()));
        }
        if (value.isBoolean() && actual.isBoolean()) {
            return OptionalInt.of(Boolean.compare(actual.booleanValue(), value.booleanValue()));
        }
        return OptionalInt.empty();
    }

    /** Whether {@code actual} and {@code value} compare and are equal. */
    public static boolean equal(JsonNode actual, JsonNode value) {
        OptionalInt result = compare(actual, value);
        return result.isPresent() && result.getAsInt() == 0;
    }

    /** Whether {@code actual} and {@code value} compare and differ. */
    public static boolean differ(JsonNode actual, JsonNode value) {
        OptionalInt result = compare(actual, value);
        return result.isPresent() && result.getAsInt() != 0;
    }

    /** Whether a value is present: neither absent ({@code null}, missing) nor JSON null. */
    public static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    public static boolean isScalar(JsonNode node) {
        return node != null && (node.isString() || node.isNumber() || node.isBoolean());
    }

    /** The kind of a JSON value for messages and "all values of one type" checks: string, number, boolean, array, object or null. */
    public static String kind(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isString()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        return node.isArray() ? "array" : "object";
    }

    /** A value read as a number: a JSON number, or a string holding one. */
    public static Optional<BigDecimal> number(JsonNode actual) {
        if (actual.isNumber()) {
            return decimal(actual);
        }
        if (actual.isString()) {
            String text = actual.stringValue();
            if (text.length() <= MAX_NUMBER_LENGTH && NUMBER_PATTERN.matcher(text).matches()) {
                return Optional.of(new BigDecimal(text));
            }
        }
        return Optional.empty();
    }

    /** A string read as an ISO-8601 time ({@link #TIME}), truncated to the microsecond. */
    public static Optional<Instant> instant(String text) {
        if (text.length() < 10 || text.length() > 40 || !TIME_PATTERN.matcher(text).matches()) {
            return Optional.empty();
        }
        Matcher parts = TIME_PARTS.matcher(text);
        if (!parts.matches()) {
            return Optional.empty();
        }
        int year = Integer.parseInt(parts.group(1));
        int month = Integer.parseInt(parts.group(2));
        int day = Integer.parseInt(parts.group(3));
        if (parts.group(4) == null) {
            return Optional.of(OffsetDateTime.of(year, month, day, 0, 0, 0, 0, ZoneOffset.UTC).toInstant());
        }
        int hour = Integer.parseInt(parts.group(5));
        int minute = Integer.parseInt(parts.group(6));
        int second = parts.group(8) == null ? 0 : Integer.parseInt(parts.group(8));
        int nanos = parts.group(10) == null ? 0 : Integer.parseInt((parts.group(10) + "00000000").substring(0, 9));
        ZoneOffset offset = ZoneOffset.UTC;
        if (!"Z".equals(parts.group(11))) {
            int sign = "-".equals(parts.group(12)) ? -1 : 1;
            offset = ZoneOffset.ofTotalSeconds(sign * (Integer.parseInt(parts.group(13)) * 3600
                    + Integer.parseInt(parts.group(14)) * 60));
        }
        return Optional.of(OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset).toInstant()
                .truncatedTo(ChronoUnit.MICROS));
    }

    private static Optional<BigDecimal> decimal(JsonNode number) {
        try {
            return Optional.of(number.decimalValue());
        } catch (RuntimeException e) {
            return Optional.empty(); // NaN or infinity: not a number that compares
        }
    }

    /** Text order by Unicode code point: the byte order of UTF-8, so PostgreSQL's {@code COLLATE "C"}. */
    public static int compareCodePoints(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(left.length() - i, right.length() - j);
    }

    private Values() {
    }
}
