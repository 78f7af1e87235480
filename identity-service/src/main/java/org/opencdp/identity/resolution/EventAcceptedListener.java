package org.opencdp.identity.resolution;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes accepted events in batches and hands them to resolution. */
@Component
class EventAcceptedListener {

    private final AcceptedEventBatches batches;

    EventAcceptedListener(AcceptedEventBatches batches) {
        this.batches = batches;
    }

    @KafkaListener(topics = Topics.EVENTS, batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        batches.resolve(records);
    }
}
