package org.opencdp.segmentation.realtime;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@link Topics#PROFILE_CHANGES} with the kit's {@link BatchConsumer} (inbox consumer
 * {@value ProfileChangeService#CONSUMER}); each chunk is applied by {@link ProfileChangeService#apply}.
 * A record that cannot be read, or names no profile, is refused when decoded, so it is dead-lettered
 * without holding up the rest of its chunk.
 */
@Component
class ProfileChangedListener {

    private final BatchConsumer<ProfileChanged> consumer;

    ProfileChangedListener(BatchConsumers consumers, ProfileChangeService service) {
        this.consumer = consumers.consumer(ProfileChangeService.CONSUMER,
                record -> ProfileChangeService.requireApplicable(IncomingMessages.decode(record, ProfileChanged.class)),
                ProfileChanged::id, service::apply);
    }

    @KafkaListener(topics = Topics.PROFILE_CHANGES)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
