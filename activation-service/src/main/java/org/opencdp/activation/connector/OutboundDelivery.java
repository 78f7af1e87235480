package org.opencdp.activation.connector;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One delivery consent-service allowed, ready to leave: the decision that allowed it and what it
 * carries ({@code payload}: the Segment event for {@link DeliveryKind#event}, the segment change
 * with its {@code segmentId} otherwise).
 */
public record OutboundDelivery(
        UUID id,
        UUID destinationId,
        String workspaceId,
        String profileId,
        String consentDecisionId,
        DeliveryKind kind,
        JsonNode payload) {
}
