package org.opencdp.consent.ledger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes resolved events for the identifiers and consent they carry. */
@Component
class ResolvedEventListener {

    private final EventConsentService events;

    ResolvedEventListener(EventConsentService events) {
        this.events = events;
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void on(ConsumerRecord<String, String> record) {
        events.handle(IncomingMessages.decode(record, EventResolved.class));
    }
}
