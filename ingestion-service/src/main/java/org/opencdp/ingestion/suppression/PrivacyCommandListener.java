package org.opencdp.ingestion.suppression;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes privacy commands from consent-service ({@link Topics#PRIVACY_COMMANDS}). */
@Component
class PrivacyCommandListener {

    private final PrivacyCommandService commands;

    PrivacyCommandListener(PrivacyCommandService commands) {
        this.commands = commands;
    }

    @KafkaListener(topics = Topics.PRIVACY_COMMANDS)
    void on(ConsumerRecord<String, String> record) {
        commands.handle(IncomingMessages.decode(record, PrivacyCommandIssued.class));
    }
}
