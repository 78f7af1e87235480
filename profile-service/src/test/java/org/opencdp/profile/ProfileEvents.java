package org.opencdp.profile;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import tools.jackson.databind.node.ObjectNode;

/** The messages the profile service consumes, as identity-service writes them, for tests to send. */
public final class ProfileEvents {

    public static final String SOURCE = "src_web";

    private ProfileEvents() {
    }

    public static EventResolved identify(String workspaceId, String profileId, String messageId, Instant at,
                                         String traitsJson) {
        return resolved(workspaceId, profileId, event(EventType.identify, messageId, null, at, null, traitsJson));
    }

    public static EventResolved track(String workspaceId, String profileId, String messageId, Instant at,
                                      String name, String propertiesJson) {
        return resolved(workspaceId, profileId, event(EventType.track, messageId, name, at, propertiesJson, null));
    }

    public static EventResolved resolved(String workspaceId, String profileId, SegmentEvent event) {
        return new EventResolved(UUID.randomUUID(), workspaceId, profileId, SOURCE, event.timestamp(),
                event.receivedAt(), event);
    }

    public static SegmentEvent event(EventType type, String messageId, String name, Instant at, String propertiesJson,
                                     String traitsJson) {
        ObjectNode context = object("{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.0.0\"},\"ip\":\"203.0.113.7\"}");
        return new SegmentEvent(type, messageId, "user-" + messageId, null, name, null, null, null, null, at, at, at,
                at.plusMillis(250), context, propertiesJson == null ? null : object(propertiesJson),
                traitsJson == null ? null : object(traitsJson), null);
    }

    /** An event of a person with these ids, with {@code contextTraits} (JSON, may be null) in its context. */
    public static SegmentEvent personEvent(EventType type, String messageId, String userId, String anonymousId,
                                           Instant at, String traitsJson, String contextTraitsJson) {
        SegmentEvent base = event(type, messageId, type == EventType.track ? "Signed Up" : null, at, null, traitsJson);
        if (contextTraitsJson != null) {
            base.context().set("traits", object(contextTraitsJson));
        }
        return new SegmentEvent(type, messageId, userId, anonymousId, base.event(), null, null, null, null, at, at, at,
                base.receivedAt(), base.context(), base.properties(), base.traits(), null);
    }

    /** A merge of {@code mergedIds} into {@code survivorId}, as identity-service publishes it. */
    public static ProfilesMerged merge(String workspaceId, String survivorId, String... mergedIds) {
        return new ProfilesMerged(UUID.randomUUID(), workspaceId, Instant.now(), survivorId, List.of(mergedIds),
                List.of(new Identifier(IdentifierTypes.USER_ID, "u-" + survivorId)), UUID.randomUUID(),
                IdentifierTypes.USER_ID);
    }

    /** A record (key, value) of a message, for {@code TopicWriter.sendAll(topic, partition, records)}. */
    public static Map.Entry<String, String> record(CdpMessage message) {
        return Map.entry(message.key(), MessageCodec.toJson(message));
    }

    public static ObjectNode object(String json) {
        return (ObjectNode) MessageCodec.mapper().readTree(json);
    }
}
