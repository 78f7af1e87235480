package org.opencdp.profile.api;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/profiles/{id}/events}: events newest first; {@code nextCursor} null on the last page. */
record EventPageResponse(List<Event> items, String nextCursor) {

    /**
     * @param name the track event name or the page / screen name
     * @param timestamp the event time
     */
    record Event(String messageId, String type, String name, Instant timestamp, Instant receivedAt,
                 String sourceId, JsonNode properties, JsonNode context, JsonNode traits) {
    }
}
