package org.opencdp.segmentation.condition;

import java.util.List;

/** True when at least one of {@code conditions} is true. JSON: {@code {"or": [...]}}. */
public record Or(List<Condition> conditions) implements Condition {

    public Or {
        conditions = List.copyOf(conditions);
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("'or' needs at least one condition");
        }
    }
}
