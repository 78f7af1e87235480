package org.opencdp.identity.merge;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/profiles/{id}/merges}: why the profile's merges happened, oldest first, including
 * merges into profiles that were merged into it later.
 *
 * @param profileId the surviving profile
 * @param requestedId the id asked for
 * @param mergedInto the survivor when the id asked for was merged away, else {@code null}
 */
record ProfileMergesResponse(String profileId, String requestedId, String mergedInto, List<Merge> merges) {

    /**
     * @param id the id of the {@code ProfilesMerged} message
     * @param eventId the {@code EventAccepted} id of the event that caused it ({@code ProfilesMerged.eventId})
     * @param messageId that event's Segment {@code messageId}
     * @param identifiers the event's identifiers that belonged to the merged profiles
     * @param dropped the event's identifiers left out first to respect the rules, each with the rule
     * @param rule {@code flat_matching} or {@code alias}
     * @param rulesVersion the version of the workspace's identity rules applied (0: the defaults)
     */
    record Merge(UUID id, String survivorId, List<String> mergedIds, List<Identifier> identifiers,
                 List<Dropped> dropped, UUID eventId, String messageId, String sourceId, String rule,
                 long rulesVersion, Instant mergedAt) {
    }

    record Identifier(String type, String value) {
    }

    record Dropped(String type, String value, String reason) {
    }
}
