package org.opencdp.segmentation.condition;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A test of one profile trait. JSON: {@code {"trait": "plan", "op": "eq", "value": "pro"}}.
 *
 * @param trait the trait's (top-level) name
 * @param op the operator
 * @param value the operand; {@code null} for {@link Operator#exists} and {@link Operator#not_exists},
 *     which take none. {@link ConditionParser} guarantees its type fits the operator.
 */
public record TraitCondition(String trait, Operator op, JsonNode value) implements Condition {

    public TraitCondition {
        Objects.requireNonNull(trait, "trait");
        Objects.requireNonNull(op, "op");
    }
}
