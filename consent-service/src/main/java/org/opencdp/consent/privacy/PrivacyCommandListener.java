package org.opencdp.consent.privacy;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes privacy commands ({@link Topics#PRIVACY_COMMANDS}) for consent-service's own data: it
 * issues them, and carries them out and acknowledges like every other service.
 */
@Component
class PrivacyCommandListener {

    private final BatchConsumer<PrivacyCommandIssued> consumer;

    PrivacyCommandListener(BatchConsumers consumers, ConsentPrivacyCommands commands) {
        this.consumer = consumers.consumer(ConsentPrivacyCommands.CONSUMER,
                record -> ConsentPrivacyCommands.validated(IncomingMessages.decode(record, PrivacyCommandIssued.class)),
                PrivacyCommandIssued::id, commands::apply);
    }

    @KafkaListener(topics = Topics.PRIVACY_COMMANDS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
