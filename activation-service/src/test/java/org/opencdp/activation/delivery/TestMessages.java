package org.opencdp.activation.delivery;

import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;

/** Contract messages for one workspace and profile, as the upstream services publish them. */
final class TestMessages {

    /** {@code message} as its producer would send it, but on {@code partition}. */
    static ProducerRecord<String, String> onPartition(int partition, CdpMessage message) {
        return new ProducerRecord<>(message.topic(), partition, message.key(), MessageCodec.toJson(message));
    }

    static EventResolved track(String workspace, String profileId, String name) {
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.track, UUID.randomUUID().toString(), "user-1",
                null, name, null, null, null, null, now, now, now, now, MessageCodec.mapper().createObjectNode(),
                MessageCodec.mapper().createObjectNode().put("total", 99), null, null);
        return new EventResolved(UUID.randomUUID(), workspace, profileId, "src-1", now, now, event);
    }

    /** The same event under a new message id: what an SDK retry of it becomes once resolved again. */
    static EventResolved resent(EventResolved message) {
        return new EventResolved(UUID.randomUUID(), message.workspaceId(), message.profileId(), message.sourceId(),
                message.occurredAt(), Instant.now(), message.event(), message.identifiers());
    }

    /** A track event whose properties hold a NUL character, which PostgreSQL cannot store. */
    static EventResolved unstorable(String workspace, String profileId, String name) {
        EventResolved message = track(workspace, profileId, name);
        message.event().properties().put("note", "before\u0000after");
        return message;
    }

    static EventResolved identify(String workspace, String profileId) {
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.identify, UUID.randomUUID().toString(), "user-1",
                null, null, null, null, null, null, now, now, now, now, null, null,
                MessageCodec.mapper().createObjectNode().put("plan", "pro"), null);
        return new EventResolved(UUID.randomUUID(), workspace, profileId, "src-1", now, now, event);
    }

    static MembershipChanged membership(String workspace, String profileId, String segmentId,
                                        MembershipChanged.Transition transition, long version) {
        return new MembershipChanged(UUID.randomUUID(), workspace, Instant.now(), segmentId, profileId, transition,
                version);
    }

    private TestMessages() {
    }
}
