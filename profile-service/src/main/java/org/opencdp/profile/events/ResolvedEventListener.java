package org.opencdp.profile.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes resolved events; unreadable records go to {@code cdp.profile.dead-letters.v1}. */
@Component
class ResolvedEventListener {

    private final ResolvedEventService service;

    ResolvedEventListener(ResolvedEventService service) {
        this.service = service;
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void on(ConsumerRecord<String, String> record) {
        service.handle(IncomingMessages.decode(record, EventResolved.class));
    }
}
