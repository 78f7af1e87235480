package org.opencdp.segmentation.profile;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A profile's stored row: its traits and computed traits, the time of the latest change applied, and
 * per key the {@code occurredAt} of the change that last wrote it (set or removed), which the
 * ordering guard compares a change with (issue 15).
 */
public record ProfileState(ProfileKey key, Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits,
                           Instant updatedAt, Map<String, Instant> traitsWrittenAt,
                           Map<String, Instant> computedTraitsWrittenAt) {

    public ProfileState {
        traits = Map.copyOf(traits);
        computedTraits = Map.copyOf(computedTraits);
        traitsWrittenAt = Map.copyOf(traitsWrittenAt);
        computedTraitsWrittenAt = Map.copyOf(computedTraitsWrittenAt);
    }
}
