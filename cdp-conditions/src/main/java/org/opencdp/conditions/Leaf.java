package org.opencdp.conditions;

import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One test of one value: the value at {@code path} compared by {@code op} with {@code value}. JSON:
 * {@code {"path": "address.city", "op": "eq", "value": "Paris"}}; a service may name the path member
 * after what it points into ({@code trait} in a segment, {@code property} in an event filter).
 * Build leaves with {@link LeafParser}, which guarantees the value fits the operator.
 *
 * @param path where the tested value is
 * @param op the operator
 * @param value the operand; {@code null} for {@link Operator#exists} and {@link Operator#not_exists}
 */
public record Leaf(Path path, Operator op, JsonNode value) {

    public Leaf {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(op, "op");
        if (op.unary() != (value == null)) {
            throw new IllegalArgumentException(op.unary() ? op + " takes no value" : op + " needs a value");
        }
    }

    /** Whether the leaf holds for the object {@code root} (see {@link LeafEvaluator}). */
    public boolean matches(JsonNode root) {
        return LeafEvaluator.matches(this, root);
    }

    /** The canonical JSON form, with the path under {@code pathMember}; {@link LeafParser} reads it back to an equal leaf. */
    public ObjectNode toJson(String pathMember) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put(pathMember, path.dotted());
        json.put("op", op.name());
        if (value != null) {
            json.set("value", value);
        }
        return json;
    }
}
