package org.opencdp.activation.connector;

import java.util.UUID;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import tools.jackson.databind.JsonNode;

/**
 * One delivery consent-service allowed, ready to leave: the decision that allowed it and what it
 * carries ({@code payload}: the Segment event for {@link DeliveryKind#event}, the segment change
 * with its {@code segmentId} otherwise), and, for connectors that {@link Connector#syncsAudiences()
 * sync audiences}, the profile's e-mails and phones ({@link ProfileIdentifiers#NONE} for the others).
 */
public record OutboundDelivery(
        UUID id,
        UUID destinationId,
        String workspaceId,
        String profileId,
        String consentDecisionId,
        DeliveryKind kind,
        JsonNode payload,
        ProfileIdentifiers identifiers) {
}
