package org.opencdp.profile.computed;

import java.util.Comparator;
import java.util.Optional;
import org.opencdp.profile.profiles.CodePoints;
import tools.jackson.databind.JsonNode;

/** Comparisons of JSON values with the semantics of PostgreSQL's {@code jsonb}, so Java and SQL agree. */
final class JsonValues {

    /** Numbers compare by value ({@code 1 = 1.0}), as {@code jsonb} equality does. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Deep equality, numbers by value, object key order ignored. */
    static boolean same(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    /**
     * The order of two numbers, or of two strings by code point; empty for any other pair of types.
     */
    static Optional<Integer> compare(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return Optional.of(actual.decimalValue().compareTo(expected.decimalValue()));
        }
        if (actual.isString() && expected.isString()) {
            return Optional.of(CodePoints.compare(actual.asString(), expected.asString()));
        }
        return Optional.empty();
    }

    private JsonValues() {
    }
}
