package org.opencdp.profile.computed;

import java.math.BigDecimal;
import java.math.MathContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Exact decimal arithmetic for aggregations, and the JSON form of its results. */
final class Numbers {

    /** Precision of a mean (a sum and a count are exact; their quotient is rounded to 34 digits). */
    static final MathContext MEAN = MathContext.DECIMAL128;

    /** {@code value} without trailing zeros, never with a negative scale ({@code 100}, not {@code 1E+2}). */
    static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** A JSON number: an integer node when whole and small enough, else a decimal node. */
    static JsonNode node(BigDecimal value) {
        BigDecimal plain = plain(value);
        if (plain.scale() == 0 && plain.unscaledValue().bitLength() < 63) {
            return JsonNodeFactory.instance.numberNode(plain.longValueExact());
        }
        return JsonNodeFactory.instance.numberNode(plain);
    }

    static BigDecimal mean(BigDecimal sum, long count) {
        return sum.divide(BigDecimal.valueOf(count), MEAN);
    }

    private Numbers() {
    }
}
