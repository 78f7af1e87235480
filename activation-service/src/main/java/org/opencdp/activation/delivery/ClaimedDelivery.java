package org.opencdp.activation.delivery;

import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import tools.jackson.databind.JsonNode;

/** A due delivery one dispatcher holds the lease of ({@code leaseToken}) until it records the outcome. */
record ClaimedDelivery(
        String workspaceId,
        UUID id,
        UUID destinationId,
        String profileId,
        DeliveryKind kind,
        JsonNode payload,
        int attempts,
        int waits,
        UUID leaseToken) {
}
