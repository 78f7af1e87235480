package org.opencdp.segmentation.profile;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A profile's stored row: its traits and computed traits, the time of the latest change applied, and
 * per key the change that last wrote it (set or removed: {@link WrittenBy}, its version and, for a
 * change from before versions, its {@code occurredAt}), which the ordering guard compares a change
 * with (issue 15).
 */
public record ProfileState(ProfileKey key, Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits,
                           Instant updatedAt, Map<String, WrittenBy> traitsWrittenBy,
                           Map<String, WrittenBy> computedTraitsWrittenBy) {

    public ProfileState {
        traits = Map.copyOf(traits);
        computedTraits = Map.copyOf(computedTraits);
        traitsWrittenBy = Map.copyOf(traitsWrittenBy);
        computedTraitsWrittenBy = Map.copyOf(computedTraitsWrittenBy);
    }
}
