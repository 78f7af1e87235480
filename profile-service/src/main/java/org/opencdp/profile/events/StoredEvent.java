package org.opencdp.profile.events;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event of a profile as the event store keeps it.
 *
 * @param name the track event name, or the page / screen name; null for other calls
 * @param occurredAt the event time (clock-skew corrected), to the microsecond
 * @param payload the whole Segment event as received
 */
public record StoredEvent(String workspaceId, String messageId, String profileId, String type, String name,
                          Instant occurredAt, Instant receivedAt, String sourceId, ObjectNode payload) {

    /** The same event, stored for another profile (the survivor of a merge). */
    public StoredEvent withProfileId(String id) {
        return new StoredEvent(workspaceId, messageId, id, type, name, occurredAt, receivedAt, sourceId, payload);
    }

    /** Where this event sits in a profile's newest-first history. */
    public EventPosition position() {
        return new EventPosition(occurredAt, messageId);
    }
}
