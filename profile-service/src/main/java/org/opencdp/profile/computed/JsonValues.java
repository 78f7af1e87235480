package org.opencdp.profile.computed;

import java.util.Comparator;
import tools.jackson.databind.JsonNode;

/** Equality of JSON values with the semantics of PostgreSQL's {@code jsonb} (conditions compare by {@code docs/conditions.md}). */
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

    private JsonValues() {
    }
}
