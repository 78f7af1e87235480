package org.opencdp.profile.traits;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * One top-level trait value seen in one event, with its provenance: the event time it was observed
 * at, the event's messageId and the source that sent it. A stored trait is the observation that won.
 * A JSON null value means the trait was removed.
 */
public record TraitObservation(String key, JsonNode value, Instant observedAt, String messageId, String sourceId) {

    public TraitObservation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(messageId, "messageId");
        value = value == null ? NullNode.getInstance() : value;
    }

    /** Whether the trait is removed (a tombstone kept so an older value delivered late stays out). */
    public boolean isRemoval() {
        return value.isNull();
    }
}
