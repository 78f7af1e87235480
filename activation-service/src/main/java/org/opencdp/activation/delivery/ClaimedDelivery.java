package org.opencdp.activation.delivery;

import java.time.Instant;
import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import tools.jackson.databind.JsonNode;

/**
 * A due delivery one dispatcher holds the lease of ({@code leaseToken}) until it records the outcome.
 * {@code firstFailedAt} opens its retry window ({@code null} until a send failed); {@code queuedAt} is
 * when it was queued; {@code destinationType} its destination's type (webhook, meta, ...);
 * {@code traceparent} the trace context it was queued in ({@code null} if none).
 */
record ClaimedDelivery(
        String workspaceId,
        UUID id,
        UUID destinationId,
        String profileId,
        DeliveryKind kind,
        JsonNode payload,
        int attempts,
        int waits,
        Instant firstFailedAt,
        Instant queuedAt,
        UUID leaseToken,
        String destinationType,
        String traceparent) {
}
