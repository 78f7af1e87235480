package org.opencdp.segmentation.profile;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One profile's current traits and computed traits, as segmentation knows them from ProfileChanged messages. */
public record ProfileTraits(String profileId, Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits) {

    public ProfileTraits {
        traits = Map.copyOf(traits);
        computedTraits = Map.copyOf(computedTraits);
    }
}
