package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Profiles merged into a survivor: the identifiers that linked them, the event that carried those
 * identifiers and the identity rule applied. Topic {@link Topics#MERGES}.
 */
public record ProfilesMerged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        String survivorId,
        List<String> mergedIds,
        List<Identifier> identifiers,
        UUID eventId,
        String rule) implements CdpMessage {

    @Override
    public String topic() {
        return Topics.MERGES;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, survivorId);
    }

    @Override
    public String subject() {
        return survivorId;
    }
}
