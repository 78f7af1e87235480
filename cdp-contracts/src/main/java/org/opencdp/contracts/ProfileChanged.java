package org.opencdp.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The traits and computed traits of a profile that changed, with their new values (a JSON null
 * value means the key was removed). Topic {@link Topics#PROFILE_CHANGES}.
 */
public record ProfileChanged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        String profileId,
        Map<String, JsonNode> traits,
        Map<String, JsonNode> computedTraits) implements CdpMessage {

    @Override
    public String topic() {
        return Topics.PROFILE_CHANGES;
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
