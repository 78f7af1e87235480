package org.opencdp.activation.delivery;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.destination.SubscriberIndex;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns consumed chunks of messages into queued deliveries, one per subscribed destination. Called
 * by the kit's {@code BatchConsumer} inside the chunk's transaction, with the messages not consumed
 * before, in consumed order. Per chunk, whatever its size, it runs at most two statements (and, for
 * resolved events whose identifiers include e-mails or phones, one more: {@link IdentifierService#recordAll}):
 *
 * <ol>
 *   <li>the subscriptions of the enabled destinations of the chunk's workspaces that could match
 *       (one read, so every instance sees destination changes at once: there is no cache);</li>
 *   <li>the deliveries, in one {@code INSERT … ON CONFLICT DO NOTHING}: their ids are natural keys
 *       ({@link DeliveryIds}), so an event re-sent by an SDK under a new message id, or a message
 *       applied again, queues nothing more.</li>
 * </ol>
 *
 * A message that concerns no destination (not a track event, or nobody subscribed) costs nothing
 * more; a chunk without any costs no statement here at all.
 */
@Service
class DeliveryIntakeService {

    static final String EVENTS_CONSUMER = "activation-events";
    static final String MEMBERSHIPS_CONSUMER = "activation-memberships";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DestinationService destinations;
    private final DeliveryRepository deliveries;
    private final DispatcherLoop dispatcher;
    private final IdentifierService identifiers;
    private final AudienceRepository audiences;
    private final JsonMapper json;

    DeliveryIntakeService(DestinationService destinations, DeliveryRepository deliveries, DispatcherLoop dispatcher,
                          IdentifierService identifiers, AudienceRepository audiences, JsonMapper json) {
        this.audiences = audiences;
        this.destinations = destinations;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.identifiers = identifiers;
        this.json = json;
    }

    /**
     * Resolved events: the e-mails and phones among the identifiers identity resolved them with are
     * kept for audience connectors ({@link IdentifierService}, one more statement when any message has
     * one), and each named track event
     * becomes one {@code event} delivery per destination subscribed to its name (or to {@code *}).
     */
    void queueEvents(List<EventResolved> chunk) {
        Set<String> workspaces = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (EventResolved message : chunk) {
            if (message.event() == null || isBlank(message.profileId()) || isBlank(message.workspaceId())) {
                throw new PermanentMessageException("EventResolved " + message.id()
                        + " has no event, no profileId or no workspaceId");
            }
            if (isNamedTrack(message.event())) {
                workspaces.add(message.workspaceId());
                names.add(message.event().event());
            }
        }
        stored(chunk, () -> {
            identifiers.recordAll(chunk);
            return null;
        });
        if (names.isEmpty()) {
            return;
        }
        SubscriberIndex subscribers = stored(chunk, () -> destinations.eventSubscribers(workspaces, names));
        List<QueuedDelivery> queued = new ArrayList<>();
        for (int position = 0; position < chunk.size(); position++) {
            EventResolved message = chunk.get(position);
            SegmentEvent event = message.event();
            if (!isNamedTrack(event)) {
                continue;
            }
            List<UUID> targets = subscribers.eventSubscribers(message.workspaceId(), event.event());
            if (targets.isEmpty()) {
                continue;
            }
            // the event exactly as the contracts write it
            String payload = MessageCodec.mapper().writeValueAsString(event);
            String naturalKey = isBlank(event.messageId()) ? message.id().toString() : event.messageId();
            for (UUID destinationId : targets) {
                queued.add(new QueuedDelivery(message.workspaceId(),
                        DeliveryIds.ofEvent(message.workspaceId(), destinationId, naturalKey), destinationId,
                        message.profileId(), DeliveryKind.event, payload, message.id(), position));
            }
        }
        queue(chunk, queued);
    }

    /**
     * Segment entries and exits: one delivery per destination subscribed to the segment, and the
     * profile's desired membership there (one more statement; an older {@code version} never wins),
     * which audience destinations are synced to ({@link AudienceSync}).
     */
    void queueMembershipChanges(List<MembershipChanged> chunk) {
        Set<String> workspaces = new LinkedHashSet<>();
        Set<String> segments = new LinkedHashSet<>();
        for (MembershipChanged message : chunk) {
            if (isBlank(message.segmentId()) || isBlank(message.profileId()) || isBlank(message.workspaceId())
                    || message.transition() == null) {
                throw new PermanentMessageException("MembershipChanged " + message.id()
                        + " lacks its segmentId, profileId, workspaceId or transition");
            }
            workspaces.add(message.workspaceId());
            segments.add(message.segmentId());
        }
        if (segments.isEmpty()) {
            return;
        }
        SubscriberIndex subscribers = stored(chunk, () -> destinations.segmentSubscribers(workspaces, segments));
        List<QueuedDelivery> queued = new ArrayList<>();
        List<AudienceRepository.Desired> desired = new ArrayList<>();
        for (int position = 0; position < chunk.size(); position++) {
            MembershipChanged message = chunk.get(position);
            List<UUID> targets = subscribers.segmentSubscribers(message.workspaceId(), message.segmentId());
            if (targets.isEmpty()) {
                continue;
            }
            DeliveryKind kind = message.transition() == MembershipChanged.Transition.entered
                    ? DeliveryKind.segment_entered : DeliveryKind.segment_exited;
            String payload = membershipPayload(message);
            for (UUID destinationId : targets) {
                desired.add(new AudienceRepository.Desired(new AudienceRepository.Key(message.workspaceId(),
                        destinationId, message.profileId()), message.segmentId(), kind == DeliveryKind.segment_entered,
                        message.version()));
                queued.add(new QueuedDelivery(message.workspaceId(),
                        DeliveryIds.ofMembershipChange(message.workspaceId(), destinationId, message.id()),
                        destinationId, message.profileId(), kind, payload, message.id(), position));
            }
        }
        stored(chunk, () -> {
            audiences.recordDesired(desired);
            return null;
        });
        queue(chunk, queued);
    }

    private void queue(List<? extends CdpMessage> chunk, List<QueuedDelivery> queued) {
        if (queued.isEmpty()) {
            return;
        }
        int inserted = stored(chunk, () -> deliveries.insertAll(queued));
        if (inserted > 0) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatcher.wakeUp();
                }
            });
        }
    }

    private String membershipPayload(MembershipChanged message) {
        ObjectNode payload = json.createObjectNode()
                .put("segmentId", message.segmentId())
                .put("transition", message.transition().name())
                .put("version", message.version());
        if (message.occurredAt() != null) {
            payload.put("occurredAt", message.occurredAt().toString());
        }
        return json.writeValueAsString(payload);
    }

    /**
     * Runs a statement for {@code chunk}. PostgreSQL refusing a message's content (a NUL character,
     * say) is permanent: the kit then applies the chunk one message at a time and dead-letters the
     * one at fault. A destination deleted between the subscriptions read and the insert is not the
     * messages' fault: the chunk is run again, and reads the subscriptions afresh.
     */
    private static <R> R stored(List<? extends CdpMessage> chunk, Supplier<R> statement) {
        try {
            return statement.get();
        } catch (DataIntegrityViolationException e) {
            if (e.getMostSpecificCause() instanceof SQLException sql && FOREIGN_KEY_VIOLATION.equals(sql.getSQLState())) {
                throw new ConcurrencyFailureException("A destination was deleted while deliveries were queued for it", e);
            }
            throw new PermanentMessageException("PostgreSQL refused the deliveries of " + describe(chunk) + ": "
                    + e.getMostSpecificCause().getMessage(), e);
        }
    }

    private static String describe(List<? extends CdpMessage> chunk) {
        if (chunk.size() == 1) {
            return "message " + chunk.getFirst().id();
        }
        return chunk.size() + " messages (" + chunk.stream().limit(3).map(m -> m.id().toString())
                .collect(Collectors.joining(", ")) + (chunk.size() > 3 ? ", …)" : ")");
    }

    private static boolean isNamedTrack(SegmentEvent event) {
        return event.type() == SegmentEvent.EventType.track && !isBlank(event.event());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
