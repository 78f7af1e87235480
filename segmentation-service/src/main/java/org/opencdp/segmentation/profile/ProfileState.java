package org.opencdp.segmentation.profile;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A profile's stored row: its traits and computed traits, and the time of the latest change applied. */
public record ProfileState(ProfileKey key, Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits,
                           Instant updatedAt) {

    public ProfileState {
        traits = Map.copyOf(traits);
        computedTraits = Map.copyOf(computedTraits);
    }
}
