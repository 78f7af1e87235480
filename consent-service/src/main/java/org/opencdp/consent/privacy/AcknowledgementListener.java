package org.opencdp.consent.privacy;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes every service's acknowledgements of privacy commands ({@link Topics#PRIVACY_ACKS}). */
@Component
class AcknowledgementListener {

    private final BatchConsumer<PrivacyCommandAcknowledged> consumer;

    AcknowledgementListener(BatchConsumers consumers, AcknowledgementService acknowledgements) {
        this.consumer = consumers.consumer(AcknowledgementService.CONSUMER,
                record -> AcknowledgementService.validated(IncomingMessages.decode(record,
                        PrivacyCommandAcknowledged.class)),
                PrivacyCommandAcknowledged::id, acknowledgements::apply);
    }

    @KafkaListener(topics = Topics.PRIVACY_ACKS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }
}
