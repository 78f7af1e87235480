package org.opencdp.activation.destination;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/** A destination as the API shows it: never its credentials, only whether they are set. */
record DestinationResponse(
        UUID id,
        String name,
        String type,
        ObjectNode config,
        boolean secretSet,
        List<String> requiredPurposes,
        Subscriptions subscriptions,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    static DestinationResponse of(Destination destination) {
        return new DestinationResponse(destination.id(), destination.name(), destination.type(),
                destination.settings(), destination.secretSet(), destination.requiredPurposes(),
                new Subscriptions(destination.subscribedEvents(), destination.subscribedSegments()),
                destination.enabled(), destination.createdAt(), destination.updatedAt());
    }

    /** {@code GET /v1/destinations}. */
    record Page(List<DestinationResponse> items) {
    }
}
