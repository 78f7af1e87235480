package org.opencdp.segmentation.condition;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * How a trait value compares with a condition value. The <em>condition</em> value's type picks the
 * comparison, and anything else is a type mismatch (an empty result, which operators read as false):
 * <ul>
 *   <li>a number compares numerically with a number trait, or with a string trait that holds a
 *       JSON-style number ({@code "42"}, {@code "-3.5"}, {@code "1e3"}; no spaces, no {@code +}), since
 *       SDKs often send numbers as strings; {@code 1} equals {@code 1.0};</li>
 *   <li>a string that is an ISO-8601 instant with an offset ({@code 2024-05-01T10:00:00Z},
 *       {@code …+02:00}) or a date ({@code 2024-05-01}, read as midnight UTC) compares as time with a
 *       string trait that is one too;</li>
 *   <li>any other string compares with a string trait by Unicode code point (PostgreSQL's
 *       {@code COLLATE "C"}), case-sensitively;</li>
 *   <li>a boolean compares with a boolean trait.</li>
 * </ul>
 */
final class Values {

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]{1,4})?");
    private static final int MAX_NUMBER_LENGTH = 100;

    /** Compares {@code trait} with {@code value}: negative, zero or positive; empty when they do not compare. */
    static OptionalInt compare(JsonNode trait, JsonNode value) {
        if (trait == null || value == null) {
            return OptionalInt.empty();
        }
        if (value.isNumber()) {
            Optional<BigDecimal> left = number(trait);
            Optional<BigDecimal> right = decimal(value);
            return left.isPresent() && right.isPresent()
                    ? OptionalInt.of(left.get().compareTo(right.get())) : OptionalInt.empty();
        }
        if (value.isString()) {
            if (!trait.isString()) {
                return OptionalInt.empty();
            }
            Optional<Instant> time = instant(value.stringValue());
            if (time.isPresent()) {
                return instant(trait.stringValue()).map(t -> OptionalInt.of(t.compareTo(time.get())))
                        .orElse(OptionalInt.empty());
            }
            return OptionalInt.of(compareCodePoints(trait.stringValue(), value.stringValue()));
        }
        if (value.isBoolean() && trait.isBoolean()) {
            return OptionalInt.of(Boolean.compare(trait.booleanValue(), value.booleanValue()));
        }
        return OptionalInt.empty();
    }

    /** Whether {@code trait} and {@code value} compare and are equal. */
    static boolean equal(JsonNode trait, JsonNode value) {
        OptionalInt result = compare(trait, value);
        return result.isPresent() && result.getAsInt() == 0;
    }

    /** Whether {@code trait} and {@code value} compare and differ. */
    static boolean differ(JsonNode trait, JsonNode value) {
        OptionalInt result = compare(trait, value);
        return result.isPresent() && result.getAsInt() != 0;
    }

    static boolean isScalar(JsonNode node) {
        return node != null && (node.isString() || node.isNumber() || node.isBoolean());
    }

    /** The kind of a scalar for "all values of one type" checks: string, number or boolean. */
    static String kind(JsonNode node) {
        if (node.isString()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        return node.isArray() ? "array" : node.isObject() ? "object" : "null";
    }

    /** A trait read as a number: a JSON number, or a string holding one. */
    static Optional<BigDecimal> number(JsonNode trait) {
        if (trait.isNumber()) {
            return decimal(trait);
        }
        if (trait.isString()) {
            String text = trait.stringValue();
            if (text.length() <= MAX_NUMBER_LENGTH && JSON_NUMBER.matcher(text).matches()) {
                return Optional.of(new BigDecimal(text));
            }
        }
        return Optional.empty();
    }

    /** An ISO-8601 instant with an offset, or a date at midnight UTC. */
    static Optional<Instant> instant(String text) {
        if (text.length() < 10 || text.length() > 40 || !Character.isDigit(text.charAt(0))
                || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return Optional.empty();
        }
        try {
            if (text.length() == 10) {
                return Optional.of(LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE)
                        .atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<BigDecimal> decimal(JsonNode number) {
        try {
            return Optional.of(number.decimalValue());
        } catch (RuntimeException e) {
            return Optional.empty(); // NaN or infinity: not a number that compares
        }
    }

    private static int compareCodePoints(String left, String right) {
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
