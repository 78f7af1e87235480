package org.opencdp.activation.delivery;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes resolved events and segment membership changes into the delivery queue. */
@Component
class DeliveryListener {

    private final DeliveryIntakeService intake;

    DeliveryListener(DeliveryIntakeService intake) {
        this.intake = intake;
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void onEventResolved(ConsumerRecord<String, String> record) {
        intake.onEventResolved(IncomingMessages.decode(record, EventResolved.class));
    }

    @KafkaListener(topics = Topics.MEMBERSHIPS)
    void onMembershipChanged(ConsumerRecord<String, String> record) {
        intake.onMembershipChanged(IncomingMessages.decode(record, MembershipChanged.class));
    }
}
