package org.opencdp.identity.resolution;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes accepted events and hands each to resolution. */
@Component
class EventAcceptedListener {

    private final IdentityResolutionService resolution;

    EventAcceptedListener(IdentityResolutionService resolution) {
        this.resolution = resolution;
    }

    @KafkaListener(topics = Topics.EVENTS)
    void on(ConsumerRecord<String, String> record) {
        resolution.resolve(IncomingMessages.decode(record, EventAccepted.class));
    }
}
