package org.opencdp.profile.computed;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A computed trait definition as the API shows it. {@code status}: {@code backfilling} (computing
 * over the stored events; {@code progress} says how far, in profiles) or {@code ready}.
 */
record ComputedTraitResponse(String key, String name, String aggregation, String event, String property,
                             List<Condition> where, String within, String status, Progress progress,
                             Instant createdAt, Instant updatedAt) {

    record Condition(String property, String op, JsonNode value) {
    }

    record Progress(long processed, long total) {
    }

    static ComputedTraitResponse of(ComputedTraitDefinition d) {
        return new ComputedTraitResponse(d.key(), d.name(), d.aggregation().wireName(), d.event(), d.property(),
                d.where().stream().map(c -> new Condition(c.property(), c.op().wireName(), c.value())).toList(),
                d.within(), d.status().wireName(), new Progress(d.processed(), Math.max(d.total(), d.processed())),
                d.createdAt(), d.updatedAt());
    }
}
