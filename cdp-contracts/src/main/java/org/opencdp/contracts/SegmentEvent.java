package org.opencdp.contracts;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event in the Segment spec (identify, track, page, screen, group, alias) as accepted by
 * ingestion. {@code timestamp} is the event time after clock-skew correction; {@code
 * originalTimestamp} and {@code sentAt} are as the client sent them. {@code context}, {@code
 * properties}, {@code traits} and {@code integrations} are kept exactly as sent.
 */
public record SegmentEvent(
        EventType type,
        String messageId,
        String userId,
        String anonymousId,
        String event,
        String name,
        String category,
        String previousId,
        String groupId,
        Instant timestamp,
        Instant originalTimestamp,
        Instant sentAt,
        Instant receivedAt,
        ObjectNode context,
        ObjectNode properties,
        ObjectNode traits,
        ObjectNode integrations) {

    /** The id the person is known by in this event: the user id when known, else the anonymous id. */
    public String personId() {
        return userId != null ? userId : anonymousId;
    }

    /** The Segment call types. Their JSON form is the lower-case name Segment uses. */
    public enum EventType {
        identify, track, page, screen, group, alias
    }
}
