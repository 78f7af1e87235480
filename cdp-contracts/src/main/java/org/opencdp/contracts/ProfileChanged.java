package org.opencdp.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The traits and computed traits of a profile that changed, with their new values (a JSON null
 * value means the key was removed). Topic {@link Topics#PROFILE_CHANGES}.
 *
 * <p>{@code version} orders a profile's changes (issue 15): profile-service numbers them 1, 2, 3, …
 * per profile, in the order it commits them, under the profile's lock, so it does not depend on any
 * clock. A consumer that keeps a copy of the profile applies a key only from a change whose version is
 * not below the one that last wrote that key, so a redelivered, replayed or reordered older change
 * never rolls it back. The parts of one change split for size share its version; their keys are
 * disjoint. 0 marks a change published before versions existed (ordered by {@code occurredAt} among
 * themselves, and older than any numbered change).
 */
public record ProfileChanged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        String profileId,
        Map<String, JsonNode> traits,
        Map<String, JsonNode> computedTraits,
        long version) implements CdpMessage {

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
