package org.opencdp.segmentation.condition;

import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a condition is evaluated over: a profile's traits, its computed traits (by key) and the
 * segments it is a member of now. The maps and set are read, never changed, by the evaluator.
 */
public record ProfileFacts(Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits, Set<String> segments) {

    /** A profile known only by its traits. */
    public static ProfileFacts ofTraits(Map<String, JsonNode> traits) {
        return new ProfileFacts(traits, Map.of(), Set.of());
    }
}
