package org.opencdp.activation.identifiers;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes identity-service's merges with the kit's {@link BatchConsumer}: each record decoded and
 * validated, a chunk per transaction applied by {@link MergeService}; unreadable or invalid merges go
 * to {@code cdp.activation.dead-letters.v1}.
 */
@Component
class MergeListener {

    private final BatchConsumer<ProfilesMerged> consumer;

    MergeListener(BatchConsumers consumers, MergeService service) {
        this.consumer = consumers.consumer(MergeService.CONSUMER,
                record -> MergeService.validate(IncomingMessages.decode(record, ProfilesMerged.class)),
                ProfilesMerged::id, service::apply);
    }

    @KafkaListener(topics = Topics.MERGES)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
