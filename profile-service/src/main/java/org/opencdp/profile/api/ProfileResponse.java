package org.opencdp.profile.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/profiles/{id}} and {@code GET /v1/profiles/lookup}: the profile, its current trait
 * and computed-trait values.
 *
 * @param id the live profile's id (the survivor when the id asked for was merged away)
 * @param mergedFrom the ids merged into this profile, directly or transitively
 * @param redirectedFrom the id asked for when it was merged into this profile, else null
 */
record ProfileResponse(String id, Map<String, JsonNode> traits, Map<String, JsonNode> computedTraits,
                       List<String> mergedFrom, String redirectedFrom, Instant createdAt, Instant updatedAt) {
}
