package org.opencdp.identity.merge;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.identity.graph.PersonIdentifier;

/**
 * Why a merge happened, as stored: the event that caused it, the identifiers that linked the
 * profiles, the identifiers dropped first to respect the rules, and the rule and rules version.
 *
 * @param id the id of the {@code ProfilesMerged} message published for it
 * @param eventId the id of the {@code EventAccepted} message that carried the identifiers
 * @param messageId the Segment {@code messageId} of that event
 */
public record MergeRecord(
        UUID id,
        String workspaceId,
        String survivorId,
        List<String> mergedIds,
        List<PersonIdentifier> identifiers,
        List<DroppedIdentifier> dropped,
        UUID eventId,
        String messageId,
        String sourceId,
        String rule,
        long rulesVersion,
        Instant mergedAt) {
}
