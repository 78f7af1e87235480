package org.opencdp.activation.delivery;

import java.util.ArrayList;
import java.util.List;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Withdrawal removes (issue 12). consent-service publishes a profile's consent state after every
 * change ({@code cdp.consent.changes.v1}); for each audience destination needing one of the changed
 * purposes where the profile is, or should be, a member, a sync of the profile is queued. The
 * dispatcher asks consent-service again ({@link AudienceSync}): a withdrawn purpose removes the
 * person from the audience, a granted one adds a member that was held back. Two statements per
 * chunk: the destinations concerned and the deliveries.
 */
@Service
class ConsentChangeService {

    static final String CONSUMER = "activation-consent-changes";

    private final AudienceRepository audiences;
    private final DeliveryRepository deliveries;
    private final Connectors connectors;
    private final DispatcherLoop dispatcher;
    private final JsonMapper json;

    ConsentChangeService(AudienceRepository audiences, DeliveryRepository deliveries, Connectors connectors,
                         DispatcherLoop dispatcher, JsonMapper json) {
        this.audiences = audiences;
        this.deliveries = deliveries;
        this.connectors = connectors;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    void apply(List<ConsentChanged> chunk) {
        List<AudienceRepository.ConsentChange> changes = new ArrayList<>();
        for (ConsentChanged message : chunk) {
            if (message.workspaceId() == null || message.workspaceId().isBlank() || message.profileId() == null
                    || message.profileId().isBlank()) {
                throw new PermanentMessageException("ConsentChanged " + message.id() + " has no workspaceId or profileId");
            }
            if (message.purposes() == null || message.purposes().isEmpty()) {
                continue;
            }
            changes.add(new AudienceRepository.ConsentChange(message.workspaceId(), message.profileId(),
                    String.join(",", message.purposes().keySet()), message.id()));
        }
        List<QueuedDelivery> queued = new ArrayList<>();
        for (AudienceRepository.Concerned concerned : audiences.concernedBy(changes)) {
            if (!connectors.find(concerned.type()).map(c -> c.syncsAudiences()).orElse(false)) {
                continue;
            }
            AudienceRepository.Key key = concerned.key();
            queued.add(new QueuedDelivery(key.workspaceId(), DeliveryIds.ofConsentChange(key.workspaceId(),
                    key.destinationId(), concerned.messageId(), key.profileId()), key.destinationId(), key.profileId(),
                    concerned.desired() ? DeliveryKind.segment_entered : DeliveryKind.segment_exited,
                    json.writeValueAsString(json.createObjectNode().put("consentChangeId",
                            concerned.messageId().toString())), concerned.messageId(), queued.size()));
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
