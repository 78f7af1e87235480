package org.opencdp.identity.privacy;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.privacy.ReceivedPrivacyCommand;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the privacy commands consent-service issues ({@link Topics#PRIVACY_COMMANDS}), one per
 * transaction: they are rare (one per person's request), and one person's locks per transaction keep
 * resolution's lock order exact ({@link PersonStore}).
 */
@Component
class PrivacyCommandListener {

    private final BatchConsumer<ReceivedPrivacyCommand> consumer;

    PrivacyCommandListener(BatchConsumers consumers, PrivacyCommandService commands) {
        this.consumer = consumers.consumer(PrivacyCommandService.CONSUMER, ReceivedPrivacyCommand::of, ReceivedPrivacyCommand::id,
                commands::apply, 1);
    }

    @KafkaListener(topics = Topics.PRIVACY_COMMANDS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
