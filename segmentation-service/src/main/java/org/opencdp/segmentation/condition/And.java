package org.opencdp.segmentation.condition;

import java.util.List;

/** True when every one of {@code conditions} is true. JSON: {@code {"and": [...]}}. */
public record And(List<Condition> conditions) implements Condition {

    public And {
        conditions = List.copyOf(conditions);
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("'and' needs at least one condition");
        }
    }
}
