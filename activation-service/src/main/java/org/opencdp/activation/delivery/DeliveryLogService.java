package org.opencdp.activation.delivery;

import java.util.List;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Service;

/** A destination's delivery log and its dead letters, always within the caller's workspace. */
@Service
class DeliveryLogService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final DestinationService destinations;
    private final DeliveryRepository deliveries;
    private final DispatcherLoop dispatcher;

    DeliveryLogService(DestinationService destinations, DeliveryRepository deliveries, DispatcherLoop dispatcher) {
        this.destinations = destinations;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
    }

    DeliveryResponse.Page page(String workspaceId, String destinationId, DeliveryStatus status, int limit,
                               String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CdpException.badRequest("invalid_parameter",
                    "Parameter 'limit' must be between 1 and " + MAX_LIMIT + ".");
        }
        DeliveryCursor after = DeliveryCursor.after(cursor).orElse(null);
        Destination destination = destinations.require(workspaceId, destinationId);
        List<DeliveryResponse> rows = deliveries.page(workspaceId, destination.id(), status, after, limit);
        if (rows.size() <= limit) {
            return new DeliveryResponse.Page(rows, null);
        }
        List<DeliveryResponse> items = rows.subList(0, limit);
        DeliveryResponse last = items.getLast();
        return new DeliveryResponse.Page(List.copyOf(items), new DeliveryCursor(last.createdAt(), last.id()).encode());
    }

    /** Puts dead letters back in the queue with fresh attempts; consent-service is asked again before each send. */
    int replay(String workspaceId, String destinationId, ReplayRequest request) {
        Destination destination = destinations.require(workspaceId, destinationId);
        int replayed = deliveries.replayDead(workspaceId, destination.id(),
                request == null ? null : request.deliveryIds());
        if (replayed > 0) {
            dispatcher.wakeUp();
        }
        return replayed;
    }
}
