package org.opencdp.segmentation.condition;

import java.util.Objects;
import org.opencdp.conditions.Leaf;

/**
 * A test of one computed trait's current value (as profile-service publishes it in ProfileChanged):
 * a leaf of the shared condition language ({@code docs/conditions.md}) whose path starts at the
 * computed trait's key. JSON: {@code {"computedTrait": "lifetime_value", "op": "gte", "value": 500}}.
 */
public record ComputedTraitCondition(Leaf leaf) implements Condition {

    /** The JSON member that holds the path. */
    public static final String PATH_MEMBER = "computedTrait";

    public ComputedTraitCondition {
        Objects.requireNonNull(leaf, "leaf");
    }

    /** The computed trait the path starts at. */
    public String key() {
        return leaf.path().first();
    }
}
