package org.opencdp.profile.computed;

import java.time.Instant;
import java.util.List;
import org.opencdp.conditions.Operator;
import tools.jackson.databind.JsonNode;

/**
 * A computed trait definition as the API shows it. {@code status}: {@code backfilling} (computing
 * over the stored events; {@code progress} says how far, in profiles), {@code ready}, or {@code failed}
 * (stored before a rule change and no longer readable: computes nothing, can be deleted). {@code hidden}:
 * owned by segmentation (an {@code event} node of a segment), listed only with {@code ?hidden=true}.
 */
record ComputedTraitResponse(String key, String name, Aggregation aggregation, String event, String property,
                             List<Condition> where, String within, List<Instant> between, boolean hidden,
                             ComputedTraitDefinition.Status status,
                             Progress progress,
                             Instant createdAt, Instant updatedAt) {

    record Condition(String property, Operator op, JsonNode value) {
    }

    record Progress(long processed, long total) {
    }

    static ComputedTraitResponse of(ComputedTraitDefinition d) {
        return new ComputedTraitResponse(d.key(), d.name(), d.aggregation(), d.event(), d.property(),
                d.where().stream().map(c -> new Condition(c.path().dotted(), c.op(), c.value())).toList(),
                d.within(), d.between() == null ? null : List.of(d.between().lower(), d.between().upper()),
                d.hidden(), d.status(), new Progress(d.processed(), Math.max(d.total(), d.processed())),
                d.createdAt(), d.updatedAt());
    }
}
