package org.opencdp.conditions;

import java.util.OptionalInt;
import java.util.function.IntPredicate;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a leaf in memory. Pure: no I/O, no state, never throws for any actual value. {@link
 * LeafSql} is the same function in SQL; {@code docs/conditions.md} is the table of both.
 *
 * <ul>
 *   <li>An absent or JSON-null value makes every operator false except {@code not_exists}: {@code neq}
 *       and {@code not_in} mean "has a value, and it differs" (write {@code not eq} in a segment to
 *       include profiles without the value).</li>
 *   <li>A type mismatch (see {@link Values}) makes the operator false, never an error: {@code plan gt 5}
 *       is false for {@code plan = "pro"}, and so is {@code plan neq 5}.</li>
 *   <li>{@code in} is true when the value equals any listed value; {@code not_in} when it compares with,
 *       and differs from, every listed value.</li>
 *   <li>{@code contains} tests a substring of a string, or an element of an array (an element equal to
 *       the value); {@code starts_with} / {@code ends_with} apply to strings; all case-sensitive.</li>
 *   <li>{@code between [a, b]} is inclusive: {@code a <= value <= b}.</li>
 * </ul>
 */
public final class LeafEvaluator {

    /** Whether {@code leaf} holds for the object {@code root}. */
    public static boolean matches(Leaf leaf, JsonNode root) {
        return test(leaf, leaf.path().at(root));
    }

    /** Whether {@code leaf} holds when the value at its path is {@code actual} ({@code null} when absent). */
    public static boolean test(Leaf leaf, JsonNode actual) {
        if (!Values.present(actual)) {
            return leaf.op() == Operator.not_exists;
        }
        JsonNode value = leaf.value();
        return switch (leaf.op()) {
            case exists -> true;
            case not_exists -> false;
            case eq -> Values.equal(actual, value);
            case neq -> Values.differ(actual, value);
            case gt -> compares(actual, value, r -> r > 0);
            case gte -> compares(actual, value, r -> r >= 0);
            case lt -> compares(actual, value, r -> r < 0);
            case lte -> compares(actual, value, r -> r <= 0);
            case in -> value.valueStream().anyMatch(v -> Values.equal(actual, v));
            case not_in -> value.valueStream().allMatch(v -> Values.differ(actual, v));
            case contains -> contains(actual, value);
            case starts_with -> actual.isString() && value.isString()
                    && actual.stringValue().startsWith(value.stringValue());
            case ends_with -> actual.isString() && value.isString()
                    && actual.stringValue().endsWith(value.stringValue());
            case between -> compares(actual, value.get(0), r -> r >= 0) && compares(actual, value.get(1), r -> r <= 0);
        };
    }

    private static boolean compares(JsonNode actual, JsonNode value, IntPredicate test) {
        OptionalInt result = Values.compare(actual, value);
        return result.isPresent() && test.test(result.getAsInt());
    }

    private static boolean contains(JsonNode actual, JsonNode value) {
        if (actual.isArray()) {
            return actual.valueStream().anyMatch(element -> Values.equal(element, value));
        }
        return actual.isString() && value.isString() && actual.stringValue().contains(value.stringValue());
    }

    private LeafEvaluator() {
    }
}
