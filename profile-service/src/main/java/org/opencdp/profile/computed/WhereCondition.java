package org.opencdp.profile.computed;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One filter on an event's properties: the value at {@code path} (a property, or a nested one with
 * dots: {@code product.price}) compared by {@code op} with {@code value}. {@link AggregateQuery}
 * translates the same semantics to SQL; {@link #matches} evaluates them on an incoming event.
 *
 * <ul>
 *   <li>{@code eq} / {@code neq}: JSON equality, numbers by value; a missing property is not equal.
 *   <li>{@code gt gte lt lte}: a number against a number, or a string against a string (by code
 *       point, so ISO-8601 times compare by time); other types never match.
 *   <li>{@code in}: equal to one of an array's values.
 *   <li>{@code contains}: a string property containing the (string) value, or an array property with
 *       an element equal to the value.
 *   <li>{@code exists}: present and not null ({@code value: false} inverts it).
 * </ul>
 */
record WhereCondition(String property, List<String> path, Op op, JsonNode value) {

    WhereCondition {
        path = List.copyOf(path);
    }

    /** The operators; the constant names are the API names. */
    enum Op {
        eq, neq, gt, gte, lt, lte, in, contains, exists;

        /** The operator with this API name, if any (names are case-sensitive). */
        static Optional<Op> parse(String name) {
            return Arrays.stream(values()).filter(op -> op.name().equals(name)).findFirst();
        }

        /** Every API name, for error messages. */
        static List<String> names() {
            return Arrays.stream(values()).map(Op::name).toList();
        }
    }

    /** Whether an event with these {@code properties} passes the filter. */
    boolean matches(JsonNode properties) {
        JsonNode actual = JsonPaths.at(properties, path);
        boolean present = actual != null && !actual.isNull();
        return switch (op) {
            case eq -> present && JsonValues.same(actual, value);
            case neq -> !(present && JsonValues.same(actual, value));
            case gt -> present && JsonValues.compare(actual, value).map(c -> c > 0).orElse(false);
            case gte -> present && JsonValues.compare(actual, value).map(c -> c >= 0).orElse(false);
            case lt -> present && JsonValues.compare(actual, value).map(c -> c < 0).orElse(false);
            case lte -> present && JsonValues.compare(actual, value).map(c -> c <= 0).orElse(false);
            case in -> present && value.valueStream().anyMatch(candidate -> JsonValues.same(actual, candidate));
            case contains -> present && contains(actual);
            case exists -> present == (value == null || value.isNull() || value.asBoolean());
        };
    }

    private boolean contains(JsonNode actual) {
        if (actual.isString() && value.isString()) {
            return actual.asString().contains(value.asString());
        }
        return actual.isArray() && actual.valueStream().anyMatch(element -> JsonValues.same(element, value));
    }
}
