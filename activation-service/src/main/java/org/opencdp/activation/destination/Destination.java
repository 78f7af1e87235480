package org.opencdp.activation.destination;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * A destination as stored: its public settings, whether it has credentials (they stay encrypted
 * until {@link DestinationService#targets} opens them for a send), the purposes consent-service
 * must allow, and what it subscribed to.
 */
public record Destination(
        String workspaceId,
        UUID id,
        String name,
        String type,
        ObjectNode settings,
        boolean secretSet,
        List<String> requiredPurposes,
        List<String> subscribedEvents,
        List<String> subscribedSegments,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {
}
