package org.opencdp.segmentation.condition;

import java.util.Objects;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.Operator;
import org.opencdp.conditions.Path;
import tools.jackson.databind.JsonNode;

/**
 * A test of one profile trait: a leaf of the shared condition language ({@code docs/conditions.md})
 * whose path starts at a trait. JSON: {@code {"trait": "address.city", "op": "eq", "value": "Paris"}}.
 */
public record TraitCondition(Leaf leaf) implements Condition {

    /** The JSON member that holds the path. */
    public static final String PATH_MEMBER = "trait";

    public TraitCondition {
        Objects.requireNonNull(leaf, "leaf");
    }

    /** A test of the top-level trait {@code trait} (whatever characters its name holds). */
    public TraitCondition(String trait, Operator op, JsonNode value) {
        this(new Leaf(Path.of(trait), op, value));
    }

    /** The top-level trait the path starts at. */
    public String trait() {
        return leaf.path().first();
    }
}
