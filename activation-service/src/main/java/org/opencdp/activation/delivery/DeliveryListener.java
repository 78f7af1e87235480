package org.opencdp.activation.delivery;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes resolved events, segment membership changes and consent changes (audience syncs,
 * {@link ConsentChangeService}) into the delivery queue, a chunk per
 * transaction through the kit's {@link BatchConsumer} (offsets and inbox de-duplication, one-at-a-time
 * retry of a failing chunk, dead letters); {@link DeliveryIntakeService} applies each chunk set-wise.
 */
@Component
class DeliveryListener {

    private final BatchConsumer<EventResolved> events;
    private final BatchConsumer<MembershipChanged> memberships;
    private final BatchConsumer<ConsentChanged> consentChanges;

    DeliveryListener(BatchConsumers consumers, DeliveryIntakeService intake, ConsentChangeService consent) {
        this.events = consumers.consumer(DeliveryIntakeService.EVENTS_CONSUMER, EventResolved.class,
                intake::queueEvents);
        this.memberships = consumers.consumer(DeliveryIntakeService.MEMBERSHIPS_CONSUMER, MembershipChanged.class,
                intake::queueMembershipChanges);
        this.consentChanges = consumers.consumer(ConsentChangeService.CONSUMER, ConsentChanged.class, consent::apply);
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void onEventsResolved(List<ConsumerRecord<String, String>> records) {
        events.consume(records);
    }

    @KafkaListener(topics = Topics.CONSENT_CHANGES)
    void onConsentChanged(List<ConsumerRecord<String, String>> records) {
        consentChanges.consume(records);
    }

    @KafkaListener(topics = Topics.MEMBERSHIPS)
    void onMembershipsChanged(List<ConsumerRecord<String, String>> records) {
        memberships.consume(records);
    }
}
