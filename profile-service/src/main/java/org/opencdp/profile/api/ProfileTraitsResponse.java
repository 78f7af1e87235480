package org.opencdp.profile.api;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/profiles/{id}/traits}: each trait with where its value came from.
 *
 * @param profileId the live profile's id (the survivor when the id asked for was merged away)
 */
record ProfileTraitsResponse(String profileId, Map<String, Trait> traits) {

    /**
     * @param sourceId the source of the event that set the value
     * @param messageId that event's messageId
     * @param timestamp that event's time
     */
    record Trait(JsonNode value, String sourceId, String messageId, Instant timestamp) {
    }
}
