package org.opencdp.activation.delivery;

import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;

/**
 * A delivery to queue: its natural id ({@link DeliveryIds}), where it goes, what it carries
 * ({@code payload}, JSON text) and the message it came from. {@code position} is the message's
 * place in its consumed chunk: deliveries are queued in that order.
 */
record QueuedDelivery(
        String workspaceId,
        UUID id,
        UUID destinationId,
        String profileId,
        DeliveryKind kind,
        String payload,
        UUID sourceMessageId,
        int position) {
}
