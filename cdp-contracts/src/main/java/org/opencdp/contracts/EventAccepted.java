package org.opencdp.contracts;

import java.time.Instant;
import java.util.UUID;

/** An event ingestion accepted (after the Kafka ack the SDK gets its 200). Topic {@link Topics#EVENTS}. */
public record EventAccepted(
        UUID id,
        String workspaceId,
        String sourceId,
        Instant occurredAt,
        Instant receivedAt,
        SegmentEvent event) implements CdpMessage {

    @Override
    public String topic() {
        return Topics.EVENTS;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, event.personId());
    }

    @Override
    public String subject() {
        return event.personId();
    }
}
