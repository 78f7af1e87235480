package org.opencdp.activation.delivery;

import java.util.List;
import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns consumed messages into queued deliveries, one per subscribed destination, in the same
 * transaction as the inbox row: a message consumed twice queues nothing more.
 */
@Service
class DeliveryIntakeService {

    static final String EVENTS_CONSUMER = "activation-events";
    static final String MEMBERSHIPS_CONSUMER = "activation-memberships";

    private final Inbox inbox;
    private final DestinationService destinations;
    private final DeliveryRepository deliveries;
    private final DispatcherLoop dispatcher;

    DeliveryIntakeService(Inbox inbox, DestinationService destinations, DeliveryRepository deliveries,
                          DispatcherLoop dispatcher) {
        this.inbox = inbox;
        this.destinations = destinations;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
    }

    /** A resolved track event: one {@code event} delivery per destination subscribed to its name (or to {@code *}). */
    @Transactional
    void onEventResolved(EventResolved message) {
        if (message.event() == null || isBlank(message.profileId())) {
            throw new PermanentMessageException("EventResolved " + message.id() + " has no event or no profileId");
        }
        if (!inbox.firstDelivery(EVENTS_CONSUMER, message.id())) {
            return;
        }
        SegmentEvent event = message.event();
        if (event.type() != SegmentEvent.EventType.track || isBlank(event.event())) {
            return;
        }
        List<UUID> targets = destinations.subscribedToEvent(message.workspaceId(), event.event());
        JsonNode payload = MessageCodec.mapper().valueToTree(event);
        queue(message.workspaceId(), targets, message.profileId(), DeliveryKind.event, payload, message.id());
    }

    /** A segment entry or exit: one delivery per destination subscribed to that segment. */
    @Transactional
    void onMembershipChanged(MembershipChanged message) {
        if (isBlank(message.segmentId()) || isBlank(message.profileId()) || message.transition() == null) {
            throw new PermanentMessageException("MembershipChanged " + message.id()
                    + " lacks its segmentId, profileId or transition");
        }
        if (!inbox.firstDelivery(MEMBERSHIPS_CONSUMER, message.id())) {
            return;
        }
        List<UUID> targets = destinations.subscribedToSegment(message.workspaceId(), message.segmentId());
        DeliveryKind kind = message.transition() == MembershipChanged.Transition.entered
                ? DeliveryKind.segment_entered : DeliveryKind.segment_exited;
        ObjectNode payload = MessageCodec.mapper().createObjectNode()
                .put("segmentId", message.segmentId())
                .put("transition", message.transition().name())
                .put("version", message.version());
        if (message.occurredAt() != null) {
            payload.put("occurredAt", message.occurredAt().toString());
        }
        queue(message.workspaceId(), targets, message.profileId(), kind, payload, message.id());
    }

    private void queue(String workspaceId, List<UUID> targets, String profileId, DeliveryKind kind, JsonNode payload,
                       UUID messageId) {
        boolean queued = false;
        for (UUID destinationId : targets) {
            queued |= deliveries.insert(workspaceId, destinationId, profileId, kind, payload, messageId);
        }
        if (queued) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatcher.wakeUp();
                }
            });
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
