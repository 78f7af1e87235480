package org.opencdp.contracts;

import java.time.Instant;
import java.util.UUID;

/** An accepted event with its canonical profile id. Topic {@link Topics#RESOLVED_EVENTS}. */
public record EventResolved(
        UUID id,
        String workspaceId,
        String profileId,
        String sourceId,
        Instant occurredAt,
        Instant receivedAt,
        SegmentEvent event) implements CdpMessage {

    @Override
    public String topic() {
        return Topics.RESOLVED_EVENTS;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, profileId);
    }

    @Override
    public String subject() {
        return profileId;
    }
}
