package org.opencdp.activation.delivery;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes consent-service's privacy commands ({@link Topics#PRIVACY_COMMANDS}) with the kit's {@link BatchConsumer}. */
@Component
class PrivacyCommandListener {

    private final BatchConsumer<PrivacyCommandIssued> consumer;

    PrivacyCommandListener(BatchConsumers consumers, PrivacyCommandService commands) {
        this.consumer = consumers.consumer(PrivacyCommandService.CONSUMER,
                record -> PrivacyCommandService.validated(IncomingMessages.decode(record, PrivacyCommandIssued.class)),
                CdpMessage::id, commands::apply);
    }

    @KafkaListener(topics = Topics.PRIVACY_COMMANDS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
