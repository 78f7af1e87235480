package org.opencdp.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A profile's whole consent state after a change: purpose → granted. The topic is compacted, so
 * its latest record per profile is the current state. Topic {@link Topics#CONSENT_CHANGES}.
 */
public record ConsentChanged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        String profileId,
        Map<String, Boolean> purposes) implements CdpMessage {

    @Override
    public String topic() {
        return Topics.CONSENT_CHANGES;
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
