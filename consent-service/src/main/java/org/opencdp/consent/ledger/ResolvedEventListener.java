package org.opencdp.consent.ledger;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes resolved events for the identifiers and consent they carry, a chunk of
 * {@code cdp.kit.consumer.chunk-size} events per transaction through the kit's {@link BatchConsumer}.
 * An event without a profile is refused as it is read, so it is dead-lettered without costing its
 * chunk a retry.
 */
@Component
class ResolvedEventListener {

    private final BatchConsumer<EventResolved> consumer;

    ResolvedEventListener(BatchConsumers consumers, EventConsentService events) {
        this.consumer = consumers.consumer(EventConsentService.CONSUMER,
                record -> EventConsentService.requireProfile(IncomingMessages.decode(record, EventResolved.class)),
                EventResolved::id, events::apply);
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
