package org.opencdp.identity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Accepted events as ingestion produces them. */
public final class TestEvents {

    /** A track event of {@code userId} and/or {@code anonymousId} (either may be null), at {@code timestamp}. */
    public static EventAccepted track(String workspaceId, String userId, String anonymousId, Instant timestamp) {
        ObjectNode context = JsonNodeFactory.instance.objectNode().put("ip", "203.0.113.7");
        return event(workspaceId, SegmentEvent.EventType.track, userId, anonymousId, null, null, context, timestamp);
    }

    /** A track event happening now (millisecond precision, as SDKs send it). */
    public static EventAccepted track(String workspaceId, String userId, String anonymousId) {
        return track(workspaceId, userId, anonymousId, now());
    }

    /** An identify call with {@code traits} (a JSON object, may be null). */
    public static EventAccepted identify(String workspaceId, String userId, String anonymousId, String traits) {
        return event(workspaceId, SegmentEvent.EventType.identify, userId, anonymousId, null, json(traits), null, now());
    }

    /** A track call with {@code context} (a JSON object: device, externalIds, traits, …). */
    public static EventAccepted withContext(String workspaceId, String userId, String anonymousId, String context) {
        return event(workspaceId, SegmentEvent.EventType.track, userId, anonymousId, null, null, json(context), now());
    }

    /** An alias call: {@code previousId} becomes {@code userId}. */
    public static EventAccepted alias(String workspaceId, String userId, String previousId) {
        return event(workspaceId, SegmentEvent.EventType.alias, userId, null, previousId, null, null, now());
    }

    public static EventAccepted event(String workspaceId, SegmentEvent.EventType type, String userId,
                                      String anonymousId, String previousId, ObjectNode traits, ObjectNode context,
                                      Instant timestamp) {
        ObjectNode properties = type == SegmentEvent.EventType.track
                ? JsonNodeFactory.instance.objectNode().put("total", 42) : null;
        Instant receivedAt = timestamp.plusSeconds(1);
        SegmentEvent event = new SegmentEvent(type, "msg-" + UUID.randomUUID(), userId, anonymousId,
                type == SegmentEvent.EventType.track ? "Order Completed" : null, null, null, previousId, null,
                timestamp, timestamp, timestamp, receivedAt, context, properties, traits, null);
        return new EventAccepted(UUID.randomUUID(), workspaceId, "src-web", timestamp, receivedAt, event);
    }

    /** A JSON object from text; {@code null} stays null. */
    public static ObjectNode json(String json) {
        return json == null ? null : (ObjectNode) MessageCodec.mapper().readTree(json);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private TestEvents() {
    }
}
