package org.opencdp.segmentation.condition;

import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntPredicate;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a condition against one profile's traits, in memory. Pure: no I/O, no state, never
 * throws for any trait values.
 *
 * <p>Semantics (see {@link Values} for how two values compare):
 * <ul>
 *   <li>A trait that is absent or JSON null makes every operator false except {@code not_exists}
 *       (so {@code neq} means "has a value, and it differs"; write {@code not eq} to include
 *       profiles without the trait).</li>
 *   <li>A type mismatch makes the operator false, never an error: {@code plan gt 5} is false for
 *       {@code plan = "pro"}, and so is {@code plan neq 5}.</li>
 *   <li>{@code in} is true when the trait equals any listed value; {@code not_in} when it compares
 *       with, and differs from, every listed value.</li>
 *   <li>{@code contains} tests a substring of a string trait, or an element of an array trait
 *       (element equal to the value); {@code starts_with} / {@code ends_with} apply to string
 *       traits; all three are case-sensitive.</li>
 *   <li>{@code between [a, b]} is inclusive: {@code a <= trait <= b}.</li>
 * </ul>
 */
public final class ConditionEvaluator {

    /** Whether {@code condition} holds for a profile with {@code traits} (trait name → value). */
    public boolean matches(Condition condition, Map<String, JsonNode> traits) {
        return switch (condition) {
            case And and -> and.conditions().stream().allMatch(c -> matches(c, traits));
            case Or or -> or.conditions().stream().anyMatch(c -> matches(c, traits));
            case Not not -> !matches(not.condition(), traits);
            case TraitCondition trait -> matchesTrait(trait, traits.get(trait.trait()));
        };
    }

    /**
     * The names of the traits {@link #matches} reads for {@code condition}: a change that touches none
     * of them cannot change its result.
     */
    public Set<String> traitsRead(Condition condition) {
        Set<String> names = new HashSet<>();
        collectTraits(condition, names);
        return Set.copyOf(names);
    }

    private static void collectTraits(Condition condition, Set<String> names) {
        switch (condition) {
            case And and -> and.conditions().forEach(c -> collectTraits(c, names));
            case Or or -> or.conditions().forEach(c -> collectTraits(c, names));
            case Not not -> collectTraits(not.condition(), names);
            case TraitCondition trait -> names.add(trait.trait());
        }
    }

    private static boolean matchesTrait(TraitCondition condition, JsonNode actual) {
        boolean present = actual != null && !actual.isNull() && !actual.isMissingNode();
        if (!present) {
            return condition.op() == Operator.not_exists;
        }
        JsonNode value = condition.value();
        return switch (condition.op()) {
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
}
