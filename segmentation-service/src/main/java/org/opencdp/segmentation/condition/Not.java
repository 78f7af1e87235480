package org.opencdp.segmentation.condition;

import java.util.Objects;

/** True when {@code condition} is false. JSON: {@code {"not": {...}}}. */
public record Not(Condition condition) implements Condition {

    public Not {
        Objects.requireNonNull(condition, "condition");
    }
}
