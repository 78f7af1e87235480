package org.opencdp.activation.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.identifiers.MergeFollower;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Audiences follow merges (issue 13), in the merge consumer's transaction. The merged-away profile's
 * e-mails and phones now belong to the survivor, so at every audience destination where either was
 * known its state is dropped, the survivor's confirmation becomes unknown and a sync of the survivor
 * is queued: it adds all their identifiers if the survivor is a member, and removes them otherwise
 * (the merged-away profile leaves the audience either way as a profile of its own).
 */
@Component
class AudienceMergeFollower implements MergeFollower {

    private final AudienceRepository audiences;
    private final DeliveryRepository deliveries;
    private final DestinationService destinations;
    private final Connectors connectors;
    private final DispatcherLoop dispatcher;
    private final JsonMapper json;

    AudienceMergeFollower(AudienceRepository audiences, DeliveryRepository deliveries, DestinationService destinations,
                          Connectors connectors, DispatcherLoop dispatcher, JsonMapper json) {
        this.audiences = audiences;
        this.deliveries = deliveries;
        this.destinations = destinations;
        this.connectors = connectors;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    @Override
    public void merged(List<Merged> merged) {
        List<AudienceRepository.Resync> resyncs = audiences.merge(merged.stream().map(m -> new AudienceRepository.Merged(
                m.workspaceId(), m.mergedId(), m.survivorId(), m.mergeId())).toList());
        if (resyncs.isEmpty()) {
            return;
        }
        Map<DestinationRef, Destination> known = destinations.findAll(resyncs.stream()
                .map(r -> new DestinationRef(r.survivor().workspaceId(), r.survivor().destinationId()))
                .collect(TreeSet::new, TreeSet::add, TreeSet::addAll));
        List<QueuedDelivery> queued = new ArrayList<>();
        for (AudienceRepository.Resync resync : resyncs) {
            AudienceRepository.Key survivor = resync.survivor();
            Destination destination = known.get(new DestinationRef(survivor.workspaceId(), survivor.destinationId()));
            if (destination == null || !connectors.find(destination.type()).map(c -> c.syncsAudiences()).orElse(false)) {
                continue;
            }
            String payload = json.writeValueAsString(json.createObjectNode().put("mergeId", resync.mergeId().toString()));
            queued.add(new QueuedDelivery(survivor.workspaceId(), DeliveryIds.ofMerge(survivor.workspaceId(),
                    survivor.destinationId(), resync.mergeId(), survivor.profileId()), survivor.destinationId(),
                    survivor.profileId(), resync.desired() ? DeliveryKind.segment_entered : DeliveryKind.segment_exited,
                    payload, resync.mergeId(), queued.size()));
        }
        if (!queued.isEmpty() && deliveries.insertAll(queued) > 0) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatcher.wakeUp();
                }
            });
        }
    }
}
