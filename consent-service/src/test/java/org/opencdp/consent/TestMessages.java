package org.opencdp.consent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.Topics;
import tools.jackson.databind.node.ObjectNode;

/** The messages consent consumes, as identity publishes them, and what tests read of the records consent writes. */
public final class TestMessages {

    /** A resolved event as identity publishes it, with {@code categoryPreferences} when not null. */
    public static EventResolved resolvedEvent(String workspaceId, String profileId, String userId, String anonymousId,
                                              Instant at, Map<String, ?> categoryPreferences) {
        ObjectNode context = MessageCodec.mapper().createObjectNode();
        if (categoryPreferences != null) {
            context.putObject("consent").set("categoryPreferences",
                    MessageCodec.mapper().valueToTree(categoryPreferences));
        }
        var event = new SegmentEvent(SegmentEvent.EventType.track, UUID.randomUUID().toString(), userId, anonymousId,
                "Page Viewed", null, null, null, null, at, at, at, at, context,
                MessageCodec.mapper().createObjectNode(), null, null);
        return new EventResolved(UUID.randomUUID(), workspaceId, profileId, "src_web", at, at, event);
    }

    /** A merge as identity publishes it: {@code mergedIds} merged into {@code survivorId}. */
    public static ProfilesMerged merge(String workspaceId, String survivorId, String... mergedIds) {
        return new ProfilesMerged(UUID.randomUUID(), workspaceId, Instant.now(), survivorId, List.of(mergedIds),
                List.of(new Identifier("user_id", "u_" + survivorId)), UUID.randomUUID(), "user_id");
    }

    /** Records keyed by the profile's message key. */
    public static Predicate<ConsumerRecord<String, String>> keyOf(String workspaceId, String profileId) {
        String key = Topics.key(workspaceId, profileId);
        return record -> key.equals(record.key());
    }

    /** The last value of header {@code name}, or {@code null}. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private TestMessages() {
    }
}
