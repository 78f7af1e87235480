package org.opencdp.segmentation.condition;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.opencdp.conditions.LeafEvaluator;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a condition against one profile's traits, in memory. Pure: no I/O, no state, never
 * throws for any trait values. {@code and}, {@code or} and {@code not} are the usual connectives; a
 * {@code trait} leaf has the shared semantics of {@link LeafEvaluator} ({@code docs/conditions.md}):
 * its dotted path starts at a top-level trait, and a missing or null value makes every operator
 * false except {@code not_exists} (write {@code not eq} to include profiles without the trait).
 */
public final class ConditionEvaluator {

    /** Whether {@code condition} holds for a profile with {@code traits} (trait name → value). */
    public boolean matches(Condition condition, Map<String, JsonNode> traits) {
        return switch (condition) {
            case And and -> and.conditions().stream().allMatch(c -> matches(c, traits));
            case Or or -> or.conditions().stream().anyMatch(c -> matches(c, traits));
            case Not not -> !matches(not.condition(), traits);
            case TraitCondition trait -> matchesTrait(trait, traits);
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

    private static boolean matchesTrait(TraitCondition condition, Map<String, JsonNode> traits) {
        return LeafEvaluator.test(condition.leaf(), condition.leaf().path().at(traits::get));
    }
}
