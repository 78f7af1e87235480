package org.opencdp.profile.events;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes resolved events with the kit's {@link BatchConsumer}: each record decoded and validated
 * ({@link IncomingEvent#decode}), a chunk per transaction applied by {@link ResolvedEventService};
 * unreadable records and events that can never be stored go to {@code cdp.profile.dead-letters.v1}.
 */
@Component
class ResolvedEventListener {

    private final BatchConsumer<IncomingEvent> consumer;

    ResolvedEventListener(BatchConsumers consumers, ResolvedEventService service) {
        this.consumer = consumers.consumer(ResolvedEventService.CONSUMER, IncomingEvent::decode, IncomingEvent::id,
                service::apply);
    }

    @KafkaListener(topics = Topics.RESOLVED_EVENTS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
