package org.opencdp.segmentation.merge;

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
 * Consumes {@link Topics#MERGES} with the kit's {@link BatchConsumer} (inbox consumer {@value
 * MergeService#CONSUMER}); each chunk is applied by {@link MergeService#apply}. A record that cannot
 * be read, or names no survivor or merged profile, is refused when decoded and dead-lettered.
 */
@Component
class ProfilesMergedListener {

    private final BatchConsumer<ProfilesMerged> consumer;

    ProfilesMergedListener(BatchConsumers consumers, MergeService service) {
        this.consumer = consumers.consumer(MergeService.CONSUMER,
                record -> MergeService.requireApplicable(IncomingMessages.decode(record, ProfilesMerged.class)),
                ProfilesMerged::id, service::apply);
    }

    @KafkaListener(topics = Topics.MERGES)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
